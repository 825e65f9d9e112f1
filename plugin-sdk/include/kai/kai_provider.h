/*
 * kai_provider.h — the LLM provider contract (ABI minor 1).
 *
 * A provider is a capability of kind "provider" in the manifest. The host
 * calls it through the same invoke() as a tool; kai_call.operation says what
 * it wants:
 *
 *   KAI_OP_INVOKE       input is a chat request
 *                       (plugin-sdk/schema/chat-request.schema.json, already
 *                       validated by the host); the provider writes ONE chat
 *                       response (chat-response.schema.json) to call->output
 *                       and returns KAI_OK, or fails with a code and details.
 *                       The host validates the response against the schema;
 *                       a response that breaks it is the provider's fault
 *                       (reported as an invalid output of that plugin).
 *   KAI_OP_LIST_MODELS  input is "{}"; the provider writes the models it can
 *                       serve right now (models.schema.json), e.g. from its
 *                       configured server's GET /v1/models. Model lists
 *                       depend on configuration, so they are asked for at
 *                       run time; the manifest's "models" is only a hint.
 *
 * STREAMING. When kai_call.events is non-NULL and the operation is
 * KAI_OP_INVOKE, the caller wants the response as it is generated:
 *   1. the provider sends TEXT_DELTA and TOOL_CALL_DELTA events as output
 *      arrives (kai_events.h: text in whole UTF-8 scalars; a tool call's id
 *      and name in its index's first delta; argument fragments that
 *      concatenate to a JSON object text, empty meaning {}), and USAGE
 *      events when it knows usage (the last one wins);
 *   2. then EXACTLY ONE terminal event: DONE, whose finish_reason is the
 *      response's and whose result MAY be empty, or ERROR, whose code equals
 *      invoke()'s return value;
 *   3. and THE PROVIDER, not the caller, accumulates: whatever it streamed,
 *      it still writes the complete chat response to call->output before
 *      returning, exactly as if it had not streamed. The host validates and
 *      records that response; callers that only print deltas never need to
 *      reassemble anything.
 * A sink answering KAI_EVENT_STOP means "stop generating": send no more
 * deltas, write the response so far with finish_reason "stopped" (usage
 * counting what was generated), send DONE, and return KAI_OK. is_cancelled()
 * and the cancel fd turn true after a STOP too (so a provider that only
 * polls still stops); a provider that saw its sink answer STOP finishes as
 * "stopped" all the same. Only a cancellation without a STOP (the caller's
 * Ctrl-C, a parent's cancel) ends in KAI_ERR_CANCELLED; the host then
 * records the usage the stream reported so far.
 *
 * CANCELLATION. is_cancelled() is cheap to poll between tokens, but a
 * provider blocked in recv() or poll() on a slow server cannot poll. Such a
 * provider asks the host for KAI_HOST_CANCEL_ID and adds the call's cancel
 * fd to the descriptors it waits on (curl_multi_poll's extra_fds, poll()):
 * it becomes readable the moment the call is cancelled or its sink answers
 * STOP, and the provider then stops promptly with KAI_ERR_CANCELLED (or,
 * for STOP, as above). For the deadline, wait no longer than
 * kai_host.deadline(); the fd is not signalled when the deadline passes.
 * A wait on it may end early with EINTR (the host handles signals such as
 * SIGINT on threads of its own choosing): wait again; it is not a failure.
 *
 * ERROR DETAILS. A failing provider call sets details (kai_output.set_error,
 * and the ERROR event's details) as every plugin does: a JSON object with
 * "message". An HTTP provider adds, when they apply, two optional integer
 * fields for programs that act on a failure (a router's retry and
 * fallback): "http_status", the HTTP status the server answered (e.g. 429,
 * 503; absent when no status arrived: connection refused, a cut stream),
 * and "retry_after_s", the seconds the server's Retry-After header asked to
 * wait on a 429 or 503 (absent without one). The message already says both
 * in words; hosts do not repeat them when showing the message.
 *
 * CONCURRENCY. A provider capability is "parallel" unless its manifest says
 * "concurrency": "serial": several invoke() calls may run on one instance at
 * once (one request per call, shared connection pools and loaded models
 * behind a lock of the provider's own).
 *
 * Plugins built against the 1.0 headers keep working: the host never sends
 * them KAI_OP_LIST_MODELS (their manifest's "models" is the list) and they
 * never ask for the cancel fd.
 */
#ifndef KAI_PROVIDER_H
#define KAI_PROVIDER_H

#include "kai_abi.h"
#include "kai_host.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Values of kai_call.operation (minor 1). */
#define KAI_OP_INVOKE      0u  /**< run the capability with kai_call.input */
#define KAI_OP_LIST_MODELS 1u  /**< providers: write models.schema.json */

/** The finish reasons of a chat response: a closed set, as in
 *  chat-response.schema.json. */
#define KAI_FINISH_STOP        "stop"        /**< the model ended its turn or hit a stop sequence */
#define KAI_FINISH_LENGTH      "length"      /**< max_tokens (or the context) ran out */
#define KAI_FINISH_TOOL_CALLS  "tool_calls"  /**< the message carries tool calls to run */
#define KAI_FINISH_CONTENT_FILTER "content_filter" /**< the server withheld content */
#define KAI_FINISH_STOPPED     "stopped"     /**< the caller's sink answered STOP */

/** Host extension id of kai_host_cancel_v1. */
#define KAI_HOST_CANCEL_ID "kai.host.cancel/1"

/**
 * The cancel wake-up: a file descriptor per call that turns readable when
 * the call is cancelled.
 */
typedef struct kai_host_cancel_v1 {
    /** sizeof(kai_host_cancel_v1) as the host compiled it. */
    uint32_t struct_size;
    uint32_t reserved0;

    /**
     * Returns a descriptor that becomes readable (POLLIN) once `call` is
     * cancelled by its caller or its event sink answered STOP, and stays
     * readable. Poll it; never read, write or close it.
     *
     * Ownership: the host owns the fd; it stays open until invoke() for
     *            `call` returns, and is close-on-exec.
     * Returns:   the fd, or -1 when the host could not make one (out of
     *            descriptors): fall back to polling is_cancelled() with a
     *            short timeout.
     * Threads:   [any-thread], while invoke() for `call` has not returned.
     */
    int (*cancel_fd)(const kai_host *self, const kai_call *call);
} kai_host_cancel_v1;

#ifdef __cplusplus
}
#endif
#endif /* KAI_PROVIDER_H */
