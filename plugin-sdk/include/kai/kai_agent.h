/*
 * kai_agent.h — the agent contract (ABI minor 2).
 *
 * An agent is a capability of kind "agent" in the manifest. The host calls
 * it through the same invoke() as a tool:
 *
 *   kai_call.input   an agent input (plugin-sdk/schema/agent-input.schema.json),
 *                    already validated by the host: a task or a message
 *                    history, the tools it may use (MCP descriptors, already
 *                    filtered by the operator's policy and the run's --tool
 *                    list), a provider hint, limits, the session id.
 *   call->output     ONE agent output (agent-output.schema.json): the final
 *                    message, the steps taken, usage, and why it ended
 *                    ("done", "chain_limit", "gave_up"). The host validates it.
 *
 * An agent is built only from host services, so an agent written in C needs
 * nothing but these headers:
 *   - LLM calls: kai_host.provider_complete / provider_stream. Within a run
 *     (`kai run`) they go through the host's router: an empty provider means
 *     "the run's choice" (its -m, task type and risk tier, with fallback and
 *     circuit breakers), and the run's budget is enforced there. A call the
 *     budget refuses fails with KAI_ERR_PERMISSION_DENIED and details
 *     {"message", "budget": "tokens" | "cost"}; the run then ends, so return
 *     promptly with what you have.
 *   - Tool calls: kai_host_agent_v1.call_tool below: the operator's
 *     approval policy applies, the user watches each call start and finish,
 *     and the session records it. (kai_host.call_tool, from any plugin
 *     inside a run, passes the same approval gate, without a call id.)
 *   - Delegation: find_agents and call_agent below.
 *
 * STREAMING. An agent of minor 2 given kai_call.events may send, beside
 * PROGRESS and USAGE: TEXT_DELTA (the answer as it is written, usually the
 * provider's deltas passed on) and KAI_EVENT_STEP (a step of its own: a
 * plan, a delegation, an attempt; agent-step.schema.json). It sends no
 * terminal event: its return code and output are the result. The host itself
 * reports the tool calls made through call_tool (step events "tool_started"
 * and "tool_finished") and approvals; an agent does not repeat them.
 * Agents of minor 0 and 1 send only PROGRESS and USAGE, as before; the host
 * drops anything else they send.
 *
 * PAUSE AND RESUME. An agent keeps no state between calls. When call_tool
 * answers KAI_ERR_PERMISSION_DENIED with details {"approval": "pending"}
 * (a tool that needs two approvers), or any host service fails with
 * KAI_ERR_CANCELLED, the run is pausing or interrupted: return promptly (any
 * code). The host saved every step: `kai run --resume` later invokes the
 * agent again with the history in "messages", the paused call's result (or
 * its denial) already appended. An agent given "messages" continues from
 * them: if the last message is a tool result it asks the model again.
 */
#ifndef KAI_AGENT_H
#define KAI_AGENT_H

#include "kai_abi.h"
#include "kai_events.h"
#include "kai_host.h"
#include "kai_output.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A step of an agent's work (minor 2): one JSON object, see
 *  plugin-sdk/schema/agent-step.schema.json. Sent by agents to
 *  kai_call.events, and by the host to a watcher of the run. */
#define KAI_EVENT_STEP 7

typedef struct kai_event_step {
    kai_event header;      /* type = KAI_EVENT_STEP */
    kai_str json;          /* one agent-step object, borrowed for the callback */
} kai_event_step;

/** Why an agent's output says it ended (agent-output.schema.json "status"). */
#define KAI_AGENT_DONE        "done"         /**< a final answer */
#define KAI_AGENT_CHAIN_LIMIT "chain_limit"  /**< limits.chain_limit model turns used up */
#define KAI_AGENT_GAVE_UP     "gave_up"      /**< e.g. the coder after limits.max_attempts */

/** Host extension id of kai_host_agent_v1. */
#define KAI_HOST_AGENT_ID "kai.host.agent/1"

/**
 * Services for agents, from kai_host.get_extension(KAI_HOST_AGENT_ID). Offered
 * to plugins of minor 2 and later; NULL when the host has none (then the
 * plugin is not running as an agent of a run and should fail its call with
 * KAI_ERR_UNSUPPORTED and a message saying so).
 */
typedef struct kai_host_agent_v1 {
    /** sizeof(kai_host_agent_v1) as the host compiled it. */
    uint32_t struct_size;
    uint32_t reserved0;

    /**
     * The run's session id (also in the input's "session_id"): a stable
     * name for this run across pauses and resumes, for logs and messages.
     *
     * Ownership: the bytes are the host's, valid until invoke() for `call`
     *            returns. Empty when the call is not part of a run.
     * Threads:   [any-thread], while invoke() for `call` has not returned.
     */
    kai_str (*session_id)(const kai_host *self, const kai_call *call);

    /**
     * Calls a tool as a step of the run. The name is one of the input's
     * "tools" (or a qualified "plugin.id.tool" of one); the arguments are
     * validated against its schema. Before it runs, the operator's approval
     * policy decides: allowed; asked of the person at the terminal; or
     * refused. The user sees the call start and finish; the session records
     * it; the tool inherits the agent's deadline and cancellation.
     *
     * `call_id` is the model's id of this tool call (it names the step and
     * binds the result in the session); may be empty. `sink`, when not NULL,
     * also receives the tool's PROGRESS events (the user sees them anyway);
     * answering STOP asks the tool to end early.
     *
     * Ownership: `call_id`, `name`, `args_json` borrowed for the duration of
     *            this function; `sink` and `out` are the caller's.
     * Returns:   KAI_OK with the tool's result (an MCP tool result; an error
     *            the tool itself reports is a result with "isError": true),
     *            or a failure code with details, which an agent passes back
     *            to the model as an error result it can react to:
     *              KAI_ERR_PERMISSION_DENIED  refused: details
     *                {"message", "approval": "denied"} by policy or a person
     *                (the message names the flag that would allow it), or
     *                {"message", "approval": "pending", "approval_id"}: the
     *                call waits for approvers and the run pauses (see above);
     *              KAI_ERR_INVALID_INPUT      arguments not JSON / off schema;
     *              KAI_ERR_NOT_FOUND          no such tool among "tools";
     *              anything else              the tool failed.
     * Threads:   [any-thread], while invoke() for `call` has not returned;
     *            an agent may run several tool calls of one turn
     *            concurrently, each on its own thread.
     */
    kai_result (*call_tool)(const kai_host *self, const kai_call *call, kai_str call_id,
                            kai_str name, kai_str args_json, const kai_event_sink *sink,
                            const kai_output *out);

    /**
     * Lists the agents that could take a sub-task, best first. `query_json`
     * is {"capability": C, "task_type": T} (both optional): agents whose
     * manifest tags include C, ranked by their registry score for task type
     * T (agents without a score last, by name). The calling agent itself is
     * left out. Writes a JSON array of
     *   {"name": qualified name, "description", "tags": [...],
     *    "score": number or null}
     *
     * Ownership: `query_json` borrowed; `out` the caller's.
     * Returns:   KAI_OK (an empty array when none match), or
     *            KAI_ERR_INVALID_INPUT for a query that is not such an object.
     * Threads:   [any-thread], while invoke() for `call` has not returned.
     */
    kai_result (*find_agents)(const kai_host *self, const kai_call *call, kai_str query_json,
                              const kai_output *out);

    /**
     * Delegates a sub-task to another agent of this run. `input_json` is an
     * agent input; the host fills in "tools" (those of this run, narrowed to
     * the input's "tool_names" when given), "session_id" and what it must
     * enforce in "limits" (the run's budget applies to the whole run, so a
     * delegate spends from it). The delegate's text and steps reach the
     * user, tagged with its name. Delegation depth is limited: a call
     * deeper than the run's limit fails with KAI_ERR_PERMISSION_DENIED.
     *
     * Ownership: `name`, `input_json` borrowed; `out` the caller's; the
     *            delegate's agent output is written to it.
     * Returns:   the delegate's code; KAI_ERR_NOT_FOUND for no such agent.
     * Threads:   [any-thread], while invoke() for `call` has not returned.
     */
    kai_result (*call_agent)(const kai_host *self, const kai_call *call, kai_str name,
                             kai_str input_json, const kai_output *out);
} kai_host_agent_v1;

#ifdef __cplusplus
}
#endif
#endif /* KAI_AGENT_H */
