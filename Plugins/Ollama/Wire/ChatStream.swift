import KaiJSON

/// Builds the reply from Ollama's `/api/chat` lines and says what each line
/// adds, so the plugin can forward it as stream events.
///
/// A streamed answer is many lines (`"done": false`, a piece of
/// `message.content` each) and a last `"done": true` line with done_reason
/// and the token counts; a non-streamed answer is that last line alone with
/// the whole message. Tool calls arrive whole, several per line at most,
/// without ids: Kai gives each one "<idPrefix>_<index>", unique within the
/// response and in order of arrival. An `{"error": "..."}` line is the
/// server failing mid-stream.
public struct ChatStream {
    /// What one line added, in order.
    public enum Delta: Equatable, Sendable {
        case text(String)
        /// A whole call: its id, its name, its arguments as JSON text.
        case toolCall(index: Int, id: String, name: String, arguments: String)
        case usage(input: Int64, output: Int64)
    }

    public private(set) var reply = ChatReply()
    /// Whether the `"done": true` line came (a stream without it was cut).
    public private(set) var sawDone = false
    /// How many lines were read.
    public private(set) var lineCount = 0
    private let idPrefix: String
    /// Names the endpoint and URL in messages, e.g. "endpoint local (http://…/api/chat)".
    private let origin: String
    /// Cuts secrets out of server text before it is clipped into a message
    /// (clipping first could leave part of a secret the cut crossed).
    private let redact: @Sendable (String) -> String

    public init(idPrefix: String, origin: String, redact: @escaping @Sendable (String) -> String = { $0 }) {
        self.idPrefix = idPrefix
        self.origin = origin
        self.redact = redact
    }

    private func clip(_ bytes: [UInt8]) -> String {
        Clip.text(Array(redact(String(decoding: bytes, as: UTF8.self)).utf8))
    }

    /// Reads one line. Lines after the done line are ignored.
    public mutating func apply(line: [UInt8]) throws(WireError) -> [Delta] {
        lineCount += 1
        guard !sawDone else { return [] }
        guard case .object(let object)? = try? JSONParser.parse(line) else {
            throw WireError("\(origin) sent a line that is not a JSON object: \(clip(line)); is base_url an Ollama server (its native API, without /v1)?")
        }
        if let error = object["error"] {
            throw WireError("\(origin) reported an error mid-stream: \(clip(Array((error.stringValue ?? error.serialized()).utf8)))")
        }
        if let model = object["model"]?.stringValue, !model.isEmpty { reply.model = model }
        var deltas: [Delta] = []
        if let message = object["message"] {
            if let text = message["content"]?.stringValue, !text.isEmpty {
                reply.content += text
                deltas.append(.text(text))
            }
            for call in message["tool_calls"]?.arrayValue ?? [] {
                deltas.append(try toolCall(call))
            }
        }
        if object["done"]?.boolValue == true {
            sawDone = true
            reply.doneReason = object["done_reason"]?.stringValue
            let input = object["prompt_eval_count"]?.intValue, output = object["eval_count"]?.intValue
            if input != nil || output != nil {
                let usage = ChatReply.Usage(input: input ?? 0, output: output ?? 0)
                reply.usage = usage
                deltas.append(.usage(input: usage.input, output: usage.output))
            }
        }
        return deltas
    }

    /// One whole call, checked against the contract: a name, and arguments
    /// that are an object (Ollama sends one; a string holding an object's
    /// text is taken too; none means {}).
    private mutating func toolCall(_ call: JSONValue) throws(WireError) -> Delta {
        let function = call["function"]
        guard let name = function?["name"]?.stringValue, !name.isEmpty else {
            throw WireError("\(origin) sent a tool call without a function name: \(clip(Array(call.serialized().utf8))); the model's tool-call output is malformed: retry, or use a model with tool support")
        }
        guard let arguments = Self.argumentsObject(function?["arguments"]) else {
            throw WireError("\(origin) gave tool \(redact(name)) arguments that are not a JSON object: \(clip(Array((function?["arguments"] ?? .null).serialized().utf8))); asking again may give valid ones")
        }
        let index = reply.toolCalls.count
        let id = "\(idPrefix)_\(index)"
        reply.toolCalls.append(.init(id: id, name: name, arguments: arguments))
        return .toolCall(index: index, id: id, name: name, arguments: JSONValue.object(arguments).serialized())
    }

    /// Arguments as an object: missing or null is {}, a string holding an
    /// object's text is decoded; nil for anything else.
    static func argumentsObject(_ value: JSONValue?) -> JSONObject? {
        switch value {
        case nil, .null?: return [:]
        case .object(let object)?: return object
        case .string(let text)?: return (try? JSONParser.parse(text))?.objectValue
        default: return nil
        }
    }
}

/// Server text for a message: at most `limit` bytes, whole UTF-8 scalars.
enum Clip {
    static func text(_ bytes: [UInt8], limit: Int = 200) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.count > limit else { return text }
        var clipped = ""
        for scalar in text.unicodeScalars {
            guard clipped.utf8.count + String(scalar).utf8.count <= limit else { break }
            clipped.unicodeScalars.append(scalar)
        }
        return clipped + "…"
    }
}
