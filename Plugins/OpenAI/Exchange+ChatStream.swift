import CKaiABI
import KaiProviderKit

extension Exchange where Server == Endpoint {
    /// Streams a chat completion, forwarding deltas through `emitter`.
    /// `jsonAnswer`: the content is JSON (response_format json_schema).
    func stream(body: [UInt8], emitter: EventEmitter, hint: String?, jsonAnswer: Bool = false) throws(ProviderError) -> AssistantReply {
        var parser = SSEParser()
        var accumulator = StreamAccumulator()
        accumulator.jsonAnswer = jsonAnswer
        var eventCount = 0
        let url = endpoint.chatURL
        let end = try stream(request(.post, url: url, body: body, stream: .eventStream), hint: hint) { bytes throws(ProviderError) in
            var failure: ProviderError? = nil
            let going = parser.feed(bytes) { data in
                eventCount += 1
                do throws(ProviderError) {
                    try accumulator.apply(data, endpoint: endpoint, emitter: emitter)
                } catch {
                    failure = error
                    return false
                }
                return !emitter.stopped
            }
            if let failure { throw failure }
            if going == .eventTooLong {
                throw .unavailable("endpoint \(endpoint.name) (\(url)) sent an event longer than \(parser.limitText) without ending it; is base_url the right server?")
            }
            return going == .more
        }
        if end == .stopped {
            accumulator.finish(emitter: emitter)
            return accumulator.reply
        }
        if let tail = parser.finish() {
            eventCount += 1
            try accumulator.apply(tail, endpoint: endpoint, emitter: emitter)
        }
        accumulator.finish(emitter: emitter)
        // llama-cpp-python answers a request it fails on mid-generation with
        // HTTP 200 and an empty stream (tool_choice "required", for one).
        guard eventCount > 0 else {
            throw .unavailable("endpoint \(endpoint.name) (\(url)) answered with an empty event stream: the server failed before sending anything\(hint.map { "; \($0)" } ?? "")")
        }
        guard accumulator.sawDone || accumulator.reply.finishReason != nil else {
            throw .unavailable("endpoint \(endpoint.name) (\(url)) ended the stream before its last event (no finish_reason, no [DONE]); the server may have stopped: retry")
        }
        return accumulator.reply
    }
}
