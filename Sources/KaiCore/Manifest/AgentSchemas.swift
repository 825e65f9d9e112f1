import KaiJSON

// The agent contract's schemas (kai_agent.h), embedded so the host needs no
// files at run time. Each text must equal its file in plugin-sdk/schema/
// (AgentContractTests checks): edit the file, then paste it here. The files
// refer to each other ("chat-request.schema.json#/$defs/message",
// "agent-step.schema.json"); the validator resolves only references inside
// one document, so the compiled schemas are these texts with the referred
// definitions copied into their "$defs" (inlined), the files unchanged.
public enum AgentSchemas {
    /// plugin-sdk/schema/agent-input.schema.json
    static let inputText = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://kai.dev/schema/agent-input-1.json",
  "title": "Kai agent input, ABI 1.2",
  "description": "What an agent's invoke() receives as kai_call.input, already validated by the host. Either a task or a message history (a resumed or continued session); the host fills in tools, session_id and the limits it enforces.",
  "type": "object",
  "anyOf": [{"required": ["task"]}, {"required": ["messages"]}],
  "additionalProperties": false,
  "properties": {
    "task": {"description": "The task, in words.", "type": "string", "minLength": 1},
    "messages": {
      "description": "A history to continue, as in a chat request: the last user message is the task. A history ending in a tool result means: ask the model again.",
      "type": "array", "minItems": 1,
      "items": {"$ref": "chat-request.schema.json#/$defs/message"}
    },
    "system": {"description": "Extra instructions from the caller, put before the agent's own.", "type": "string"},
    "tests": {"description": "For coding agents: test code the answer must pass (e.g. a HumanEval check), run in Kai's sandbox.", "type": "string"},
    "entry_point": {"description": "For coding agents: the function the tests call.", "type": "string"},
    "tools": {
      "description": "The tools the agent may use, as MCP tool descriptors (filled in by the host: the run's tools, filtered by the operator's policy).",
      "type": "array",
      "items": {"$ref": "chat-request.schema.json#/$defs/tool"}
    },
    "tool_names": {
      "description": "For call_agent: narrow the delegate's tools to these names (the host turns them into \"tools\").",
      "type": "array", "items": {"type": "string", "minLength": 1}
    },
    "tool_choice": {"description": "The first model turn's tool choice: auto (default) or required (a model too small to decide reliably, e.g. the embedded one, is made to call a tool first). Later turns are auto.", "enum": ["auto", "required"]},
    "provider": {"description": "A provider hint, \"provider\" or \"provider/model\"; absent or empty: the run's choice (the router).", "type": "string"},
    "task_type": {"description": "The kind of task (e.g. \"coding\", \"qa\"), for routing and scores.", "type": "string", "minLength": 1},
    "session_id": {"description": "The run's session (filled in by the host).", "type": "string"},
    "limits": {
      "type": "object", "additionalProperties": false,
      "properties": {
        "chain_limit": {"description": "Most model turns before the agent stops with status chain_limit (default 10).", "type": "integer", "minimum": 1},
        "max_attempts": {"description": "Coding agents: most attempts before giving up (default 3).", "type": "integer", "minimum": 1},
        "depth": {"description": "How many more levels of delegation are allowed below this agent (default 2; 0: none).", "type": "integer", "minimum": 0},
        "max_tokens": {"description": "The run's token budget (input + output), enforced by the host.", "type": "integer", "minimum": 1},
        "max_cost_usd": {"description": "The run's cost budget in USD, enforced by the host.", "type": "number", "exclusiveMinimum": 0}
      }
    }
  }
}
"""#

    /// plugin-sdk/schema/agent-output.schema.json
    static let outputText = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://kai.dev/schema/agent-output-1.json",
  "title": "Kai agent output, ABI 1.2",
  "description": "What an agent writes to kai_call.output: its final message, the steps it took, what it used, and why it ended. Validated by the host.",
  "type": "object",
  "required": ["status", "message"],
  "properties": {
    "status": {
      "description": "done: a final answer; chain_limit: limits.chain_limit model turns were used up (message says what was done so far); gave_up: the agent could not finish (e.g. the coder's tests still fail after limits.max_attempts), message says so honestly.",
      "enum": ["done", "chain_limit", "gave_up"]
    },
    "message": {"description": "The final message to the user.", "type": "string"},
    "steps": {"description": "The steps taken, in order.", "type": "array", "items": {"$ref": "agent-step.schema.json"}},
    "usage": {
      "type": "object",
      "properties": {
        "input_tokens": {"type": "integer", "minimum": 0},
        "output_tokens": {"type": "integer", "minimum": 0},
        "cost_usd": {"type": ["number", "null"]}
      }
    },
    "messages": {
      "description": "The whole history, for a later --continue (optional: the host keeps its own record).",
      "type": "array", "items": {"$ref": "chat-request.schema.json#/$defs/message"}
    },
    "result": {"description": "Agent-specific structured result (e.g. the coder's final code and verdict)."}
  }
}
"""#

    /// plugin-sdk/schema/agent-step.schema.json
    static let stepText = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://kai.dev/schema/agent-step-1.json",
  "title": "Kai agent step, ABI 1.2",
  "description": "One step of a run, as a KAI_EVENT_STEP event's JSON and an entry of an agent output's steps. The host sends tool_started, tool_finished and approval for calls made through kai_host_agent_v1.call_tool; agents send the others. Unknown types are shown as notes.",
  "type": "object",
  "required": ["type"],
  "properties": {
    "type": {"enum": ["tool_started", "tool_finished", "approval", "turn", "plan", "delegated", "delegation_finished", "attempt", "note"]},
    "agent": {"description": "The agent the step belongs to (filled in by the host for delegates).", "type": "string"},
    "id": {"description": "tool_*: the model's tool call id.", "type": "string"},
    "tool": {"description": "tool_* and approval: the tool's name.", "type": "string"},
    "arguments": {"description": "tool_started and approval: the arguments.", "type": "object"},
    "ok": {"description": "tool_finished, delegation_finished, attempt: whether it succeeded.", "type": "boolean"},
    "result": {"description": "tool_finished: the result (or error details)."},
    "code": {"description": "tool_finished: the result code's name when it failed (e.g. PERMISSION_DENIED).", "type": "string"},
    "duration_ms": {"type": "number", "minimum": 0},
    "decision": {"description": "approval: allowed | denied | pending, and by whom in \"by\".", "enum": ["allowed", "denied", "pending"]},
    "by": {"description": "approval: policy, flag, terminal, or approver uids.", "type": "string"},
    "approval_id": {"type": "string"},
    "turn": {"description": "turn: the model turn number, from 1.", "type": "integer", "minimum": 1},
    "plan": {"description": "plan: the supervisor's sub-tasks.", "type": "array"},
    "delegate": {"description": "delegated / delegation_finished: the agent delegated to.", "type": "string"},
    "task": {"description": "delegated: the sub-task.", "type": "string"},
    "attempt": {"description": "attempt: its number, from 1.", "type": "integer", "minimum": 1},
    "message": {"description": "A line for the user.", "type": "string"}
  }
}
"""#

    /// The text of "agent-input", "agent-output" or "agent-step", for tests
    /// and tools that show the contract.
    public static func text(_ name: String) -> String? {
        ["agent-input": inputText, "agent-output": outputText, "agent-step": stepText][name]
    }

    static let input = LazySchema(inlined(inputText))
    static let output = LazySchema(inlined(outputText))
    static let step = LazySchema(inlined(stepText))

    /// Where each outside reference points once inlined, and the definition
    /// it needs copied in.
    private static let chatRequestPrefix = "chat-request.schema.json#/$defs/"
    private static let stepReference = "agent-step.schema.json"
    private static let stepDefinition = "agent_step"

    /// `text` parsed, its outside references turned into "#/$defs/..." and
    /// the definitions they name (chat-request's, agent-step) added.
    static func inlined(_ text: String) -> JSONValue {
        guard case .object(var schema) = parse(text) else { preconditionFailure("an embedded agent schema is not an object") }
        var defs = schema["$defs"]?.objectValue ?? [:]
        if text.contains(chatRequestPrefix), let chatDefs = parse(ProviderSchemas.requestText)["$defs"]?.objectValue {
            for (name, definition) in chatDefs where defs[name] == nil { defs[name] = definition }
        }
        if text.contains(stepReference), case .object(var step) = parse(stepText) {
            step["$schema"] = nil
            step["$id"] = nil
            defs[stepDefinition] = .object(step)
        }
        if !defs.isEmpty { schema["$defs"] = .object(defs) }
        return rewritten(.object(schema))
    }

    private static func rewritten(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var copy: JSONObject = [:]
            for (key, member) in object {
                if key == "$ref", let reference = member.stringValue {
                    copy[key] = .string(localReference(reference))
                } else {
                    copy[key] = rewritten(member)
                }
            }
            return .object(copy)
        case .array(let items):
            return .array(items.map(rewritten))
        default:
            return value
        }
    }

    private static func localReference(_ reference: String) -> String {
        if reference.hasPrefix(chatRequestPrefix) { return "#/$defs/" + reference.dropFirst(chatRequestPrefix.count) }
        if reference == stepReference { return "#/$defs/" + stepDefinition }
        return reference
    }

    private static func parse(_ text: String) -> JSONValue {
        do {
            return try JSONParser.parse(Array(text.utf8))
        } catch {
            preconditionFailure("an embedded schema is not JSON: \(error)")
        }
    }
}
