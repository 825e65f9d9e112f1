import KaiProviderKit

extension Exchange where Server == AnthropicEndpoint {
    /// Streams a message, forwarding deltas through `emitter`.
    func streamMessage(body: [UInt8], emitter: EventEmitter) throws(ProviderError) -> MessageReply {
        var parser = SSEParser()
        let url = endpoint.messagesURL
        var assembler = StreamAssembler(endpoint: endpoint, url: url)
        let end = try stream(request(.post, url: url, body: body, stream: .eventStream)) { bytes throws(ProviderError) in
            var failure: ProviderError? = nil
            let going = parser.feed(bytes) { data in
                do throws(ProviderError) {
                    try assembler.apply(data, emitter: emitter)
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
            assembler.dropOpenToolCalls()
            assembler.finish(emitter: emitter)
            return assembler.reply
        }
        if let tail = parser.finish() { try assembler.apply(tail, emitter: emitter) }
        assembler.finish(emitter: emitter)
        guard assembler.eventCount > 0 else {
            throw .unavailable("endpoint \(endpoint.name) (\(url)) answered with an empty event stream: the server failed before sending anything; retry")
        }
        guard assembler.sawMessageStop else {
            throw .unavailable("endpoint \(endpoint.name) (\(url)) ended the stream before message_stop: the answer is incomplete; the server may have stopped: retry")
        }
        return assembler.reply
    }
}
