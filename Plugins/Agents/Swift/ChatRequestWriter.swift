import KaiJSON

/// Writes an agent's chat requests (chat-request.schema.json) as the turns
/// go by. A run's history only grows, so each message is serialized once
/// and kept; a turn's request is those bytes with `messages`, `tools` and
/// `tool_choice` around them — the same bytes as serializing the request
/// object `{"messages": […], "tools": […], "tool_choice": …}` whole (what
/// the agent did before, for the whole conversation every turn).
struct ChatRequestWriter {
    /// The messages written so far, comma-separated, without brackets.
    private var messageBytes: [UInt8] = []
    private var written = 0
    /// The tools array as written the first time (a run's tools are fixed).
    private var toolBytes: [UInt8]? = nil

    /// The request for `messages`, which extend the previous call's (the
    /// caller only appends; a shorter history is written from the start).
    mutating func request(messages: [JSONValue], tools: [JSONValue], toolChoice: String?) -> [UInt8] {
        if messages.count < written { reset() }
        while written < messages.count {
            if written > 0 { messageBytes.append(UInt8(ascii: ",")) }
            messages[written].appendSerialized(to: &messageBytes)
            written += 1
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(messageBytes.count + (toolBytes?.count ?? 0) + 64)
        bytes.append(contentsOf: #"{"messages":["#.utf8)
        bytes.append(contentsOf: messageBytes)
        bytes.append(UInt8(ascii: "]"))
        if !tools.isEmpty {
            if toolBytes == nil { toolBytes = JSONValue.array(tools).serializedBytes() }
            bytes.append(contentsOf: #","tools":"#.utf8)
            bytes.append(contentsOf: toolBytes ?? [])
            if let toolChoice {
                bytes.append(contentsOf: #","tool_choice":"#.utf8)
                JSONValue.appendString(toolChoice, to: &bytes)
            }
        }
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    private mutating func reset() {
        messageBytes = []
        written = 0
    }
}
