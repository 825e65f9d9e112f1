import CKaiABI
import KaiJSON

/// An agent input (agent-input.schema.json), already validated by the host;
/// read defensively all the same, since an agent may be called by any host.
struct AgentInput: Sendable {
    var task: String?
    var messages: [JSONValue]?
    var system: String?
    var tools: [JSONValue]
    var toolChoice: String?
    var provider: String
    var taskType: String?
    var chainLimit: Int
    var depth: Int

    static let defaultChainLimit = 10
    static let defaultDepth = 2

    init(_ input: JSONValue) throws(AgentFailure) {
        guard let object = input.objectValue else {
            throw AgentFailure(code: KAI_ERR_INVALID_INPUT, message: "the agent input must be a JSON object with \"task\" or \"messages\"")
        }
        task = object["task"]?.stringValue
        messages = object["messages"]?.arrayValue
        if (task ?? "").isEmpty && (messages ?? []).isEmpty {
            throw AgentFailure(code: KAI_ERR_INVALID_INPUT, message: "the agent input needs a \"task\" or a non-empty \"messages\" history")
        }
        system = object["system"]?.stringValue
        tools = object["tools"]?.arrayValue ?? []
        toolChoice = object["tool_choice"]?.stringValue
        provider = object["provider"]?.stringValue ?? ""
        taskType = object["task_type"]?.stringValue
        let limits = object["limits"]
        chainLimit = max(1, Int(limits?["chain_limit"]?.intValue ?? Int64(Self.defaultChainLimit)))
        depth = max(0, Int(limits?["depth"]?.intValue ?? Int64(Self.defaultDepth)))
    }

    /// The task in words: "task", else the history's last user message.
    var taskText: String {
        if let task, !task.isEmpty { return task }
        let user = messages?.last { $0["role"]?.stringValue == "user" }
        return user?["content"]?.stringValue ?? ""
    }

    /// The conversation to start from: the caller's and the agent's
    /// instructions, then the given history or the task. A history that
    /// carries its own system message (the agent's, from an earlier call) is
    /// taken as it is; the host's record of a session may not have one.
    func conversation(instructions: String) -> [JSONValue] {
        let system: JSONValue = ["role": "system", "content": .string([self.system, instructions].compactMap { $0 }.joined(separator: "\n\n"))]
        guard let messages, !messages.isEmpty else { return [system, ["role": "user", "content": .string(taskText)]] }
        return messages.contains { $0["role"]?.stringValue == "system" } ? messages : [system] + messages
    }
}
