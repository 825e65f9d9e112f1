import KaiJSON
import KaiOllamaWire
import Testing

/// Ollama's NDJSON answers, from the documentation's examples, read into
/// Kai's reply: text pieces, whole tool calls given ids, usage from the
/// done line only, and the faults a server can send inside a 200 answer.
@Suite struct OllamaChatStreamTests {
    @Test(arguments: [1, 7, 4096])
    func streamedText_inAnyPieces_joinsAndTakesUsageFromTheDoneLine(piece: Int) throws {
        let (stream, deltas, error) = try OllamaTranscripts.replay("chat-streaming.ndjson", piece: piece)
        #expect(error == nil)
        #expect(stream.sawDone)
        #expect(stream.lineCount == 10)
        let texts = deltas.compactMap { if case .text(let text) = $0 { text } else { nil } }
        #expect(texts == ["The", " sky", " is", " blue", " because", " of", " Rayleigh", " scattering", "."])
        #expect(deltas.last == .usage(input: 26, output: 282))
        #expect(deltas.filter { if case .usage = $0 { true } else { false } }.count == 1)
        #expect(stream.reply.response(stopped: false) == [
            "message": ["role": "assistant", "content": "The sky is blue because of Rayleigh scattering."],
            "finish_reason": "stop", "model": "llama3.2", "usage": ["input_tokens": 26, "output_tokens": 282],
        ])
    }

    @Test func streamedToolCall_getsAnIdAndFinishesAsToolCalls() throws {
        let (stream, deltas, error) = try OllamaTranscripts.replay("chat-streaming-tools.ndjson")
        #expect(error == nil)
        #expect(deltas == [.toolCall(index: 0, id: "call_t_0", name: "get_weather", arguments: #"{"city":"Tokyo"}"#),
                           .usage(input: 169, output: 15)])
        #expect(stream.reply.response(stopped: false) == [
            "message": ["role": "assistant", "content": nil,
                        "tool_calls": [["id": "call_t_0", "name": "get_weather", "arguments": ["city": "Tokyo"]]]],
            "finish_reason": "tool_calls", "model": "llama3.2", "usage": ["input_tokens": 169, "output_tokens": 15],
        ])
    }

    @Test func parallelToolCalls_inOneLine_getUniqueIdsInOrder() throws {
        let (stream, deltas, _) = try OllamaTranscripts.replay("chat-streaming-tools-parallel.ndjson")
        #expect(deltas.prefix(2) == [.toolCall(index: 0, id: "call_t_0", name: "get_weather", arguments: #"{"city":"Tokyo"}"#),
                                     .toolCall(index: 1, id: "call_t_1", name: "get_weather", arguments: #"{"city":"Paris"}"#)])
        #expect(stream.reply.toolCalls.map(\.id) == ["call_t_0", "call_t_1"])
        #expect(stream.reply.finishReason == "tool_calls")
    }

    @Test func doneReasonLength_finishesAsLength() throws {
        let (stream, _, _) = try OllamaTranscripts.replay("chat-streaming-length.ndjson")
        #expect(stream.reply.content == "The sky is blue")
        #expect(stream.reply.finishReason == "length")
    }

    @Test func wholeAnswer_isOneDoneLine() throws {
        var stream = ChatStream(idPrefix: "call_w", origin: "endpoint local (u)")
        let deltas = try stream.apply(line: try OllamaTranscripts.bytes("chat-no-streaming-tools.json"))
        #expect(deltas == [.toolCall(index: 0, id: "call_w_0", name: "get_weather", arguments: #"{"city":"Tokyo"}"#),
                           .usage(input: 169, output: 18)])
        #expect(stream.sawDone)
        var text = ChatStream(idPrefix: "call_w", origin: "endpoint local (u)")
        _ = try text.apply(line: try OllamaTranscripts.bytes("chat-history-tools.json"))
        #expect(text.reply.content == "The current temperature in Toronto is 11°C.")
        #expect(text.reply.finishReason == "stop")
    }

    @Test func errorLine_isTheServersErrorNamingTheEndpoint() throws {
        let (stream, deltas, error) = try OllamaTranscripts.replay("error-mid-stream.ndjson")
        #expect(deltas == [.text("The"), .text(" sky")])
        #expect(!stream.sawDone)
        #expect(error?.message == "endpoint local (http://127.0.0.1:11434/api/chat) reported an error mid-stream: an error was encountered while running the model: unexpected EOF")
    }

    @Test func malformedLine_saysWhatCameAndWhatToCheck() throws {
        let (_, deltas, error) = try OllamaTranscripts.replay("malformed-line.ndjson")
        #expect(deltas == [.text("The")])
        #expect(error?.message == #"endpoint local (http://127.0.0.1:11434/api/chat) sent a line that is not a JSON object: {"model":"llama3.2","created_at":"2023-08-04T08:52:19.401406455-07:00","message":{"role":"assistant","content":" sky"; is base_url an Ollama server (its native API, without /v1)?"#)
    }

    @Test func streamWithoutDoneLine_isNotDone() throws {
        let (stream, _, error) = try OllamaTranscripts.replay("no-done.ndjson")
        #expect(error == nil)
        #expect(!stream.sawDone)
        #expect(stream.reply.usage == nil)
    }

    @Test func toolCallWithoutName_breaksTheContractAndSaysSo() throws {
        let (stream, deltas, error) = try OllamaTranscripts.replay("tool-without-name.ndjson")
        #expect(deltas.isEmpty)
        #expect(stream.reply.toolCalls.isEmpty)
        #expect(error?.message == #"endpoint local (http://127.0.0.1:11434/api/chat) sent a tool call without a function name: {"function":{"arguments":{"city":"Tokyo"}}}; the model's tool-call output is malformed: retry, or use a model with tool support"#)
    }

    @Test func toolArguments_stringHoldingAnObjectIsTaken_otherValuesAreNot() throws {
        var stream = ChatStream(idPrefix: "c", origin: "endpoint e (u)")
        let line = #"{"message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"a","arguments":"{\"x\":1}"}},{"function":{"name":"b"}}]},"done":false}"#
        #expect(try stream.apply(line: Array(line.utf8)) == [
            .toolCall(index: 0, id: "c_0", name: "a", arguments: #"{"x":1}"#), .toolCall(index: 1, id: "c_1", name: "b", arguments: "{}"),
        ])
        let bad = #"{"message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"a","arguments":[1]}}]},"done":false}"#
        #expect(throws: WireError("endpoint e (u) gave tool a arguments that are not a JSON object: [1]; asking again may give valid ones")) {
            try stream.apply(line: Array(bad.utf8))
        }
    }

    @Test func lines_crlfBlankAndUnterminated_andAnEndlessLineStops() {
        var lines = NDJSONLines(limit: 8)
        var seen: [String] = []
        #expect(lines.feed(Array("{\"a\":1}\r\n\n{\"b\"".utf8)) { seen.append(String(decoding: $0, as: UTF8.self)); return true } == .more)
        #expect(seen == [#"{"a":1}"#])
        #expect(lines.isInsideLine)
        #expect(lines.finish().map { String(decoding: $0, as: UTF8.self) } == #"{"b""#)
        #expect(lines.feed(Array("123456789".utf8)) { _ in true } == .lineTooLong)
    }
}
