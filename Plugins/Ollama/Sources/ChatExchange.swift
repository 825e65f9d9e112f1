import KaiJSON
import KaiOllamaWire
import KaiProviderKit

/// One POST /api/chat: the body goes out, the answer's lines come back
/// (as they arrive when streaming, whole otherwise) and are read into the
/// reply, each piece forwarded to the caller's sink with the API key cut
/// out. Whatever the server sends that Kai cannot use becomes UNAVAILABLE,
/// naming the endpoint and URL.
struct ChatExchange {
    let endpoint: OllamaEndpoint
    let exchange: Exchange<OllamaEndpoint>
    let emitter: EventEmitter

    var url: String { endpoint.chatURL }

    func run(body: [UInt8]) throws(ProviderError) -> ChatReply {
        let endpoint = endpoint
        var stream = ChatStream(idPrefix: Self.newIDPrefix(), origin: endpoint.origin(url), redact: { endpoint.redact($0) })
        if emitter.isStreaming {
            try streamed(body: body, into: &stream)
        } else {
            // The whole answer is one object: the last line of a stream.
            let answer = try exchange.fetch(exchange.request(.post, url: url, body: body))
            _ = try read(answer, into: &stream)
        }
        if !emitter.stopped, !stream.sawDone { throw notDone() }
        return redacted(stream.reply)
    }

    /// Reads the answer's lines as they arrive, forwarding each piece.
    private func streamed(body: [UInt8], into stream: inout ChatStream) throws(ProviderError) {
        var lines = NDJSONLines()
        var text = StreamRedactor(endpoint: endpoint)
        var reader = stream
        defer { stream = reader }
        let request = exchange.request(.post, url: url, body: body, stream: .ndjson)
        let end = try exchange.stream(request) { (bytes: UnsafeRawBufferPointer) throws(ProviderError) -> Bool in
            var failure: ProviderError? = nil
            let outcome = lines.feed(bytes) { line in
                do throws(ProviderError) {
                    for delta in try read(line, into: &reader) { forward(delta, text: &text) }
                    return !emitter.stopped
                } catch {
                    failure = error
                    return false
                }
            }
            if let failure { throw failure }
            if outcome == .lineTooLong {
                throw .unavailable("\(endpoint.origin(url)) sent a line longer than \(lines.limit >> 20) MiB without a newline; is base_url an Ollama server?")
            }
            return outcome == .more
        }
        // Ollama ends every line with a newline; a last line without one is
        // still read if it is whole, and means a cut stream if it is not.
        if end == .completed, let last = lines.finish() {
            guard (try? JSONParser.parse(last)) != nil else {
                throw .unavailable("\(endpoint.origin(url)) ended the stream in the middle of a line; the server may have stopped: retry")
            }
            for delta in try read(last, into: &reader) { forward(delta, text: &text) }
        }
        emitter.text(text.finish())
    }

    /// Reads one line into the reply; returns what it added.
    private func read(_ line: [UInt8], into stream: inout ChatStream) throws(ProviderError) -> [ChatStream.Delta] {
        do throws(WireError) {
            return try stream.apply(line: line)
        } catch {
            throw .unavailable(error.message)
        }
    }

    /// Passes one piece on to the caller's sink.
    private func forward(_ delta: ChatStream.Delta, text: inout StreamRedactor) {
        switch delta {
        case .text(let piece):
            emitter.text(text.pass(piece))
        case .toolCall(let index, let id, let name, let arguments):
            emitter.toolCall(index: index, id: id, name: endpoint.redact(name), arguments: endpoint.redact(arguments))
        case .usage(let input, let output):
            emitter.usage(input: input, output: output, cost: endpoint.cost(input: input, output: output))
        }
    }

    private func notDone() -> ProviderError {
        .unavailable("\(endpoint.origin(url)) ended the answer before its last line (no \"done\": true); the server may have stopped: retry")
    }

    /// The reply with the key cut out of all server text.
    private func redacted(_ reply: ChatReply) -> ChatReply {
        guard endpoint.apiKey != nil else { return reply }
        var copy = reply
        copy.content = endpoint.redact(reply.content)
        copy.model = reply.model.map(endpoint.redact)
        for position in copy.toolCalls.indices {
            copy.toolCalls[position].name = endpoint.redact(copy.toolCalls[position].name)
            let arguments = endpoint.redact(JSONValue.object(copy.toolCalls[position].arguments).serialized())
            copy.toolCalls[position].arguments = (try? JSONParser.parse(arguments))?.objectValue ?? [:]
        }
        return copy
    }

    /// "call_" and 8 random hex digits: Ollama's calls have no ids, and ids
    /// must not repeat across the turns of a conversation (a tool result
    /// names the call it answers), so each answer gets its own prefix and
    /// each call its index after it ("call_3f9a1c2e_0", "call_3f9a1c2e_1").
    static func newIDPrefix() -> String {
        let digits = String(UInt32.random(in: .min ... .max), radix: 16)
        return "call_" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
