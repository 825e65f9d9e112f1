import CLlamaAPI
import Glibc
import KaiJSON

/// Renders the conversation with the model's own chat template (from the
/// GGUF, applied by llama_chat_apply_template).
///
/// Templates applied this way know only roles and text, so tools are
/// described in the system message, earlier tool calls are written as the
/// JSON the model would produce, and tool results become user turns naming
/// the call they answer.
enum PromptBuilder {
    static func prompt(for request: ChatRequest, model: LlamaModel) throws(ProviderError) -> String {
        var turns: [(role: String, content: String)] = []
        for message in request.messages {
            let role = message["role"]?.stringValue ?? "user"
            let content = message["content"]?.stringValue ?? ""
            switch role {
            case "assistant":
                let calls = (message["tool_calls"]?.arrayValue ?? []).map { call in
                    JSONValue.object(JSONObject([("name", call["name"] ?? .null), ("arguments", call["arguments"] ?? .object(JSONObject()))])).serialized()
                }
                turns.append(("assistant", ([content] + calls).filter { !$0.isEmpty }.joined(separator: "\n")))
            case "tool":
                let id = message["tool_call_id"]?.stringValue ?? ""
                let failed = message["is_error"]?.boolValue == true ? " (it failed)" : ""
                turns.append(("user", "Result of tool call \(id)\(failed):\n\(content)"))
            default:
                turns.append((role, content))
            }
        }
        if !request.usesTools, request.messages.last?["role"]?.stringValue == "tool", let last = turns.indices.last {
            // Templates know no tool turns: a small model shown its earlier
            // calls as JSON writes another one unless told what comes now.
            turns[last].content += "\n\nNow answer the user in plain text, using the result above. Do not call a tool."
        }
        if request.usesTools {
            let instructions = toolInstructions(request)
            if let first = turns.first, first.role == "system" {
                turns[0].content = first.content + "\n\n" + instructions
            } else {
                turns.insert(("system", instructions), at: 0)
            }
        }
        return try apply(turns, model: model)
    }

    private static func toolInstructions(_ request: ChatRequest) -> String {
        var text = "You can call tools. To call one, reply with only a JSON object {\"name\": <tool name>, \"arguments\": <an object of its arguments>}."
        switch request.toolChoice {
        case .auto: text += " If no tool is needed, answer in plain text instead."
        case .named(let name): text += " Call the tool \(name) now."
        default: text += " Call one of them now."
        }
        text += "\nTools:"
        for tool in request.toolDescriptions {
            guard let name = tool["name"]?.stringValue else { continue }
            let description = tool["description"]?.stringValue ?? tool["title"]?.stringValue ?? ""
            let schema = (tool["inputSchema"] ?? .object(JSONObject())).serialized()
            text += "\n- \(name): \(description) Arguments: \(schema)"
        }
        return text
    }

    private static func apply(_ turns: [(role: String, content: String)], model: LlamaModel) throws(ProviderError) -> String {
        // Templates the GGUF lacks fall back to ChatML, which llama.cpp
        // knows by name.
        let template = model.chatTemplate ?? "chatml"
        var cStrings: [UnsafeMutablePointer<CChar>] = []
        defer { cStrings.forEach { free($0) } }
        var messages: [kai_llama_chat_message] = []
        for turn in turns {
            // llama.cpp takes C strings: a NUL would silently cut the prompt
            // there (and the tool list after it).
            guard !turn.content.utf8.contains(0) else {
                throw .invalidInput("a \(turn.role) message contains a NUL character (\\u0000), which the local model's prompt cannot carry; remove it")
            }
            guard let role = strdup(turn.role), let content = strdup(turn.content) else { throw .internalError("out of memory") }
            cStrings += [role, content]
            messages.append(kai_llama_chat_message(role: role, content: content))
        }
        var capacity = turns.reduce(256) { $0 + 2 * ($1.role.utf8.count + $1.content.utf8.count) }
        for _ in 0..<2 {
            var buffer = [CChar](repeating: 0, count: capacity)
            let n = model.api.chat_apply_template(template, &messages, messages.count, true, &buffer, Int32(capacity))
            guard n >= 0 else {
                throw .unavailable("the model's chat template is not one llama.cpp's llama_chat_apply_template supports; configure another GGUF as `model`")
            }
            if Int(n) <= capacity {
                return String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            capacity = Int(n)
        }
        throw .internalError("llama_chat_apply_template changed its output size")
    }
}
