import CKaiABI
import KaiJSON
import KaiProviderKit

/// Builds the reply from a Messages API event stream and forwards each
/// piece to the caller as it arrives (Messages > Streaming Messages):
/// message_start (model, input usage), content blocks each opened by
/// content_block_start, grown by content_block_delta (text_delta,
/// input_json_delta) and closed by content_block_stop, message_delta (stop
/// reason, output usage), message_stop; `ping` anywhere, `error` mid-stream.
///
/// Blocks are keyed by the stream's index, so blocks whose deltas
/// interleave still assemble; a tool_use block's place among the tool_use
/// blocks is the contract's tool-call index. Its input arrives as
/// partial_json fragments (the first one empty) and is parsed when the
/// block stops.
struct StreamAssembler {
    private enum Block {
        case text
        /// Position in reply.toolCalls, and the input's text so far.
        case toolUse(position: Int, json: String)
        /// The forced JSON-answer call (MessagesRequest.jsonTool): its input
        /// is the content, streamed as text.
        case jsonAnswer(json: String)
        /// thinking and other blocks the contract has no place for.
        case other
    }

    let endpoint: AnthropicEndpoint
    let url: String
    private(set) var reply = MessageReply()
    private(set) var sawMessageStop = false
    private(set) var eventCount = 0
    private var blocks: [Int64: Block] = [:]
    /// The key is cut out of every delta passed on (a server may echo it).
    private var textRedactor: StreamRedactor
    /// JSON text (tool inputs, a JSON answer) has its escapes normalised
    /// before the key is looked for: `\u0073k-ant-…` is the key too.
    private var inputRedactors: [Int: JSONStreamRedactor] = [:]
    private var answerNormalizer = JSONEscapeNormalizer()
    /// Tool calls whose input did not parse at content_block_stop, with the
    /// error: a call cut off by max_tokens is dropped at message_delta, any
    /// other stop reason fails the call with it.
    private var unparsed: [(position: Int, error: ProviderError)] = []

    init(endpoint: AnthropicEndpoint, url: String) {
        self.endpoint = endpoint
        self.url = url
        textRedactor = StreamRedactor(endpoint: endpoint)
    }

    /// Applies one SSE event's data.
    mutating func apply(_ data: [UInt8], emitter: EventEmitter) throws(ProviderError) {
        eventCount += 1
        guard case .object(let event)? = try? JSONParser.parse(data), let type = event["type"]?.stringValue else {
            throw .unavailable("endpoint \(endpoint.name) (\(url)) sent a stream event that is not a JSON object with a type: \(endpoint.clip(data)); is \(endpoint.baseURL) Anthropic's Messages API?")
        }
        switch type {
        case "message_start":
            let message = event["message"]
            if let model = message?["model"]?.stringValue { reply.model = model }
            reply.inputTokens = MessageReply.inputTokens(message?["usage"]) ?? reply.inputTokens
            reply.outputTokens = message?["usage"]?["output_tokens"]?.intValue ?? reply.outputTokens
            // Reported now too, so a stream cancelled, cut or timed out
            // before message_delta still counts the input it was billed for.
            if let input = reply.inputTokens { emitUsage(input: input, output: reply.outputTokens ?? 0, emitter: emitter) }
        case "content_block_start":
            try start(index: try index(event), block: event["content_block"], emitter: emitter)
        case "content_block_delta":
            try delta(index: try index(event), delta: event["delta"], emitter: emitter)
        case "content_block_stop":
            try stop(index: try index(event))
        case "message_delta":
            if let reason = event["delta"]?["stop_reason"]?.stringValue { reply.stopReason = reason }
            try settleUnparsed()
            // Cumulative counts; newer servers repeat input_tokens here.
            reply.inputTokens = MessageReply.inputTokens(event["usage"]) ?? reply.inputTokens
            reply.outputTokens = event["usage"]?["output_tokens"]?.intValue ?? reply.outputTokens
            emitUsage(input: reply.inputTokens ?? 0, output: reply.outputTokens ?? 0, emitter: emitter)
        case "message_stop":
            try settleUnparsed()
            sawMessageStop = true
        case "error":
            throw StreamError.from(event["error"], endpoint: endpoint, url: url)
        default:
            break  // ping, and event types newer than this plugin (the docs: ignore them)
        }
    }

    private func emitUsage(input: Int64, output: Int64, emitter: EventEmitter) {
        emitter.usage(input: input, output: output, cost: endpoint.cost(input: input, output: output))
    }

    /// Tool calls whose input did not parse: dropped when max_tokens cut
    /// them off (the answer finishes "length"), else the stream's error.
    private mutating func settleUnparsed() throws(ProviderError) {
        guard let first = unparsed.first else { return }
        guard reply.stopReason == "max_tokens" else { throw first.error }
        drop(positions: Set(unparsed.map(\.position)))
        unparsed = []
    }

    /// Drops tool calls from the reply (their events went out already; the
    /// response is what counts).
    private mutating func drop(positions: Set<Int>) {
        reply.toolCalls = reply.toolCalls.enumerated().filter { !positions.contains($0.offset) }.map(\.element)
    }

    /// The caller's sink said STOP: a tool_use block still open has only
    /// part of its input, so its call is dropped rather than kept with {}.
    mutating func dropOpenToolCalls() {
        var open = Set<Int>()
        for case .toolUse(let position, _) in blocks.values { open.insert(position) }
        drop(positions: open)
    }

    /// Passes on what the redactors held back; call once the stream ended.
    mutating func finish(emitter: EventEmitter) {
        appendText(answerNormalizer.finish(), emitter: emitter)
        emitter.text(textRedactor.finish())
        for position in inputRedactors.keys.sorted() {
            let tail = inputRedactors[position]!.finish()
            if !tail.isEmpty { emitter.toolCall(index: position, id: "", name: "", arguments: tail) }
        }
        inputRedactors = [:]
    }

    private func index(_ event: JSONObject) throws(ProviderError) -> Int64 {
        guard let index = event["index"]?.intValue else {
            throw .unavailable("endpoint \(endpoint.name) (\(url)) sent a \(event["type"]?.stringValue ?? "") event without an index; the stream breaks the Messages API")
        }
        return index
    }

    private mutating func start(index: Int64, block: JSONValue?, emitter: EventEmitter) throws(ProviderError) {
        switch block?["type"]?.stringValue {
        case "text":
            blocks[index] = .text
            appendText(block?["text"]?.stringValue ?? "", emitter: emitter)
        case "tool_use":
            // input is {} here; the real input follows as partial_json.
            let call = try ContractCheck.toolUse(block ?? .null, index: Int(index), input: block?["input"], endpoint: endpoint, url: url)
            guard call.name != MessagesRequest.jsonTool else {
                blocks[index] = .jsonAnswer(json: "")
                return
            }
            let position = reply.toolCalls.count
            reply.toolCalls.append(call)
            blocks[index] = .toolUse(position: position, json: "")
            inputRedactors[position] = JSONStreamRedactor(endpoint: endpoint)
            emitter.toolCall(index: position, id: endpoint.redact(call.id), name: endpoint.redact(call.name), arguments: "")
        default:
            blocks[index] = .other
        }
    }

    private mutating func delta(index: Int64, delta: JSONValue?, emitter: EventEmitter) throws(ProviderError) {
        guard let block = blocks[index] else {
            throw .unavailable("endpoint \(endpoint.name) (\(url)) sent a content_block_delta for block \(index), which no content_block_start opened; the stream breaks the Messages API")
        }
        switch (block, delta?["type"]?.stringValue) {
        case (.text, "text_delta"):
            appendText(delta?["text"]?.stringValue ?? "", emitter: emitter)
        case (.toolUse(let position, let json), "input_json_delta"):
            let fragment = delta?["partial_json"]?.stringValue ?? ""
            blocks[index] = .toolUse(position: position, json: json + fragment)
            let passed = inputRedactors[position]!.pass(fragment)
            if !passed.isEmpty { emitter.toolCall(index: position, id: "", name: "", arguments: passed) }
        case (.jsonAnswer(let json), "input_json_delta"):
            let fragment = delta?["partial_json"]?.stringValue ?? ""
            blocks[index] = .jsonAnswer(json: json + fragment)
            appendText(answerNormalizer.pass(fragment), emitter: emitter)
        default:
            break  // citations, thinking and signature deltas: nothing the contract carries
        }
    }

    private mutating func stop(index: Int64) throws(ProviderError) {
        defer { if case .toolUse? = blocks[index] { blocks[index] = .other } }
        if case .jsonAnswer(let json)? = blocks[index] {
            guard case .object? = try? JSONParser.parse(json) else {
                throw .unavailable("endpoint \(endpoint.name) (\(url)) ended its JSON answer (block \(index)) with text that is not a JSON object: \(endpoint.clip(json.utf8)); asking again may give a valid one")
            }
            return
        }
        guard case .toolUse(let position, let json)? = blocks[index] else { return }
        let call = reply.toolCalls[position]
        let text = json.trimmingWhitespace
        guard !text.isEmpty else { return }  // no partial_json at all: the input is {}
        guard case .object(let input)? = try? JSONParser.parse(text) else {
            unparsed.append((position, .unavailable("endpoint \(endpoint.name) (\(url)) ended tool_use block \(index) (tool \(endpoint.redact(call.name))) with input that is not a JSON object: \(endpoint.clip(text.utf8)); asking again may give a valid one")))
            return
        }
        reply.toolCalls[position].input = input
    }

    private mutating func appendText(_ text: String, emitter: EventEmitter) {
        guard !text.isEmpty else { return }
        reply.content += text
        emitter.text(textRedactor.pass(text))
    }
}

/// An `error` event (or an error body): Anthropic's {"type", "message"}
/// with the result code its type calls for.
enum StreamError {
    static func from(_ error: JSONValue?, endpoint: AnthropicEndpoint, url: String) -> ProviderError {
        // The type is the server's text too: it may echo the key.
        let type = String(endpoint.redact(error?["type"]?.stringValue ?? "error").prefix(100))
        let said = endpoint.redact(error?["message"]?.stringValue ?? "the server gave no message")
        let what = "endpoint \(endpoint.name) (\(url)) reported \(type) mid-stream: \(said)"
        switch type {
        case "overloaded_error":
            return .unavailable("\(what); the server is overloaded: retry later or use another provider")
        case "rate_limit_error":
            return .unavailable("\(what); wait and retry, or check the account's rate limits")
        case "invalid_request_error":
            return .invalidInput("\(what); fix the request")
        case "authentication_error", "permission_error":
            return ProviderError(KAI_ERR_PERMISSION_DENIED, "\(what); \(endpoint.keyHint)")
        default:
            return .unavailable("\(what); retry")
        }
    }
}
