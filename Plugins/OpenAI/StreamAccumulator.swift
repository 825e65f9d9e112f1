import KaiJSON
import KaiProviderKit

/// Builds the reply from streamed chunks (`chat.completion.chunk`) and
/// forwards each piece to the caller as it arrives.
///
/// Real servers differ, and each difference is handled here: a call's id
/// and name come only in its index's first delta; arguments arrive as "",
/// "{}", null or not at all; usage comes in a last chunk whose `choices` is
/// empty; calls interleave by index; old servers send no index (one whole
/// call per chunk); llama-cpp-python sends a legacy `function_call` beside
/// `tool_calls`, which is ignored then and used only when alone.
struct StreamAccumulator {
    private(set) var reply = AssistantReply()
    private(set) var sawDone = false
    /// Server index → position in reply.toolCalls.
    private var positions: [Int: Int] = [:]
    private var sawToolCalls = false
    private var completionID: String?
    /// The key is cut out of every delta passed on (a server may echo it);
    /// text and each call's arguments keep their own held-back tail.
    private var textRedactor: StreamRedactor?
    private var argumentRedactors: [Int: JSONStreamRedactor] = [:]
    /// The content is a JSON answer: its escapes are spelled plainly
    /// first (in deltas and the reply), so a key written with them is cut.
    var jsonAnswer = false
    private var answerNormalizer = JSONEscapeNormalizer()

    /// Applies one SSE event's data.
    mutating func apply(_ data: [UInt8], endpoint: Endpoint, emitter: EventEmitter) throws(ProviderError) {
        if data == Array("[DONE]".utf8) {
            sawDone = true
            return
        }
        guard case .object(let chunk)? = try? JSONParser.parse(data) else {
            let text = endpoint.clip(data)
            throw .unavailable("endpoint \(endpoint.name) (\(endpoint.chatURL)) sent a stream event that is not a JSON object: \(text); is \(endpoint.baseURL) an OpenAI-compatible API?")
        }
        if let error = chunk["error"] {
            let text = endpoint.redact(error["message"]?.stringValue ?? error.serialized())
            throw .unavailable("endpoint \(endpoint.name) (\(endpoint.chatURL)) reported an error mid-stream: \(text)")
        }
        if let model = chunk["model"]?.stringValue, !model.isEmpty { reply.model = endpoint.redact(model) }
        if completionID == nil { completionID = chunk["id"]?.stringValue }
        if case .object(let usage)? = chunk["usage"] {
            let input = usage["prompt_tokens"]?.intValue ?? 0, output = usage["completion_tokens"]?.intValue ?? 0
            reply.usage = (input, output)
            emitter.usage(input: input, output: output, cost: endpoint.cost(input: input, output: output))
        }
        guard let choice = chunk["choices"]?.arrayValue?.first(where: { ($0["index"]?.intValue ?? 0) == 0 }) else { return }
        if let reason = choice["finish_reason"]?.stringValue { reply.finishReason = reason }
        guard let delta = choice["delta"] else { return }
        if var text = delta["content"]?.stringValue, !text.isEmpty {
            if jsonAnswer { text = answerNormalizer.pass(text) }
            reply.content += text
            var redactor = textRedactor ?? StreamRedactor(endpoint: endpoint)
            emitter.text(redactor.pass(text))
            textRedactor = redactor
        }
        if let calls = delta["tool_calls"]?.arrayValue, !calls.isEmpty {
            sawToolCalls = true
            for call in calls { applyToolCall(call, endpoint: endpoint, emitter: emitter) }
        } else if !sawToolCalls, case .object(let legacy)? = delta["function_call"] {
            applyToolCall(.object(["index": 0, "function": .object(legacy)]), endpoint: endpoint, emitter: emitter)
        }
    }

    /// Passes on what the redactors held back; call once the stream ended.
    mutating func finish(emitter: EventEmitter) {
        let pending = answerNormalizer.finish()
        reply.content += pending
        if var redactor = textRedactor { emitter.text(redactor.pass(pending) + redactor.finish()) }
        textRedactor = nil
        for index in argumentRedactors.keys.sorted() {
            let tail = argumentRedactors[index]!.finish()
            if !tail.isEmpty { emitter.toolCall(index: index, id: "", name: "", arguments: tail) }
        }
        argumentRedactors = [:]
    }

    private mutating func applyToolCall(_ call: JSONValue, endpoint: Endpoint, emitter: EventEmitter) {
        let id = call["id"]?.stringValue.flatMap { $0.isEmpty ? nil : endpoint.redact($0) }
        let function = call["function"]
        let name = endpoint.redact(function?["name"]?.stringValue ?? "")
        let fragment = function?["arguments"]?.stringValue ?? ""
        let index = Int(call["index"]?.intValue ?? Int64(missingIndex(id: id)))
        var redactor = argumentRedactors[index] ?? JSONStreamRedactor(endpoint: endpoint)
        let passed = redactor.pass(fragment)
        argumentRedactors[index] = redactor
        if let position = positions[index] {
            reply.toolCalls[position].arguments += fragment
            if reply.toolCalls[position].name.isEmpty { reply.toolCalls[position].name = name }
            if !passed.isEmpty { emitter.toolCall(index: index, id: "", name: "", arguments: passed) }
            return
        }
        let callID = id ?? "call_\(index)_\(completionID ?? "kai")"
        positions[index] = reply.toolCalls.count
        reply.toolCalls.append(.init(id: callID, name: name, arguments: fragment))
        emitter.toolCall(index: index, id: callID, name: name, arguments: passed)
    }

    /// The index of a call sent without one: a new id (or the first call)
    /// starts a new call, no id continues the last one.
    private func missingIndex(id: String?) -> Int {
        if let id {
            if let known = reply.toolCalls.firstIndex(where: { $0.id == id }) {
                return positions.first { $0.value == known }?.key ?? known
            }
            return (positions.keys.max() ?? -1) + 1
        }
        return positions.keys.max() ?? 0
    }
}
