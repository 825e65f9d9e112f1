import CLlamaAPI
import KaiJSON

/// What one generation produced.
struct Generation {
    var text: [UInt8] = []
    var finishReason = "stop"
    var inputTokens = 0
    var outputTokens = 0
    /// True when the output is a tool call (its JSON is `text`).
    var isToolCall = false
    /// The id streamed with the call's first delta, once one was sent.
    var toolCallID: String?
}

/// Runs the decode loop of one call on its own context: prompt, then one
/// token at a time until an end-of-generation token, a stop sequence,
/// max_tokens, the context's end, a STOP from the sink, or cancellation.
struct Generator {
    let model: LlamaModel
    let context: LlamaContext
    let control: CallControl
    /// Makes the id of a tool call ("call_<n>_<hex>").
    let makeCallID: () -> String

    enum Mode { case text, toolCall, undecided }

    /// - Parameters:
    ///   - grammar: GBNF every output must match, or nil.
    ///   - mode: .undecided for tool_choice auto: the first byte says
    ///     whether it is a call ('{') or text, after which text continues
    ///     without the grammar (sampling is much cheaper without one).
    func run(prompt: [kai_llama_token], request: ChatRequest, grammar: String?, mode: Mode,
             events: inout EventEmitter) throws(ProviderError) -> Generation {
        let api = model.api
        let contextLength = Int(model.config.contextLength)
        guard prompt.count < contextLength else {
            throw .invalidInput("the prompt is \(prompt.count) tokens; the local model's context_length is \(contextLength): shorten the conversation or raise `context_length` in the local provider's config")
        }
        let sampler = try TokenSampler(model: model, temperature: request.temperature, seed: request.seed, grammar: grammar)
        api.set_abort_callback(context.pointer, abortDecode, Unmanaged.passUnretained(control).toOpaque())

        var result = Generation(inputTokens: prompt.count)
        var stream = TextStream(stop: mode == .text ? request.stop : [])
        var call = ToolCallStream()
        var mode = mode
        let limit = min(request.maxTokens ?? Int.max, contextLength - prompt.count)
        var tokens = prompt
        try decode(&tokens)
        while true {
            // STOP first: the host turns is_cancelled() true after a STOP
            // too (kai_provider.h), and a STOP ends as "stopped", not as a
            // cancellation.
            if events.stopRequested { result.finishReason = "stopped"; break }
            if let reason = control.stopReason() { throw reason }
            let token = try sampler.sample(context)
            if model.isEndOfGeneration(token) { result.finishReason = "stop"; break }
            result.outputTokens += 1
            let piece = model.piece(token)
            if mode == .undecided, let first = piece.first(where: { $0 != 0 }) {
                mode = first == UInt8(ascii: "{") ? .toolCall : .text
                if mode == .text {
                    sampler.dropGrammar()
                    stream = TextStream(stop: request.stop)
                }
            }
            if mode == .toolCall {
                if let delta = call.append(piece) { emit(delta, &result, &events) }
            } else {
                events.text(stream.append(piece))
                if stream.stopped { result.finishReason = "stop"; break }
            }
            if result.outputTokens >= limit { result.finishReason = "length"; break }
            var next = [token]
            guard try decode(&next, stopRequested: events.stopRequested) else { result.finishReason = "stopped"; break }
        }
        if mode == .toolCall {
            emit(ToolCallStream.Delta(fragment: call.finish()), &result, &events)
            result.text = call.text
        } else {
            events.text(stream.finish())
            result.text = stream.text
        }
        result.isToolCall = mode == .toolCall
        return result
    }

    private func emit(_ delta: ToolCallStream.Delta, _ result: inout Generation, _ events: inout EventEmitter) {
        if let name = delta.name {
            let id = makeCallID()
            result.toolCallID = id
            events.toolCall(index: 0, id: id, name: name, arguments: delta.fragment)
        } else if result.toolCallID != nil, !delta.fragment.isEmpty {
            events.toolCall(index: 0, id: "", name: "", arguments: delta.fragment)
        }
    }

    /// False when the abort callback stopped the decode after the sink
    /// answered STOP: the generation ends as "stopped".
    @discardableResult
    private func decode(_ tokens: inout [kai_llama_token], stopRequested: Bool = false) throws(ProviderError) -> Bool {
        let api = model.api
        let status = tokens.withUnsafeMutableBufferPointer { buffer in
            api.decode(context.pointer, api.batch_get_one(buffer.baseAddress, Int32(buffer.count)))
        }
        if status == 0 { return true }
        if status == 2, stopRequested { return false }
        if status == 2, let reason = control.stopReason() { throw reason }
        throw .internalError("llama_decode failed with status \(status)")
    }
}
