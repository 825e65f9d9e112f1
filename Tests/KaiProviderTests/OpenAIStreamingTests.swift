import CKaiABI
import KaiJSON
import KaiTestSupport
import Testing

/// The openai plugin against the scripted server, streaming: each quirk of
/// a real server's SSE, reassembled into one chat response.
@Suite struct OpenAIStreamingTests {
    /// 12 tokens in at $2/1M and 5 out at $10/1M, computed as the plugin does.
    static let cost = 12.0 / 1e6 * 2.0 + 5.0 / 1e6 * 10.0
    let server: ScriptedOpenAIServer
    let provider: ProviderHarness

    init() throws {
        server = try ScriptedOpenAIServer()
        provider = try OpenAIFixtures.harness(server, endpoint: ["price_input_per_1m": .number(2), "price_output_per_1m": .number(10)])
    }

    private func stream(_ model: String) -> CallOutcome {
        provider.invoke(OpenAIFixtures.request(model)) { _ in KAI_EVENT_CONTINUE }
    }

    @Test func text_streamsDeltasUsageAndOneDone_andWritesTheWholeResponse() throws {
        let outcome = stream("text")
        #expect(outcome.code == KAI_OK)
        let expected: JSONValue = [
            "message": ["role": "assistant", "content": "Hello, world!"], "finish_reason": "stop", "model": "text",
            "usage": ["input_tokens": 12, "output_tokens": 5, "cost_usd": .number(Self.cost)],
        ]
        #expect(outcome.json == expected)
        #expect(Array(outcome.events.prefix(5)) == [
            .text("Hello"), .text(", "), .text("world"), .text("!"), .usage(input: 12, output: 5, cost: Self.cost),
        ])
        #expect(outcome.events.count == 6)
        #expect(outcome.events.last == .done(finishReason: "stop", result: outcome.text))
        let sent = try server.lastRequest()["body"]
        #expect(sent?["stream"] == true)
        #expect(sent?["stream_options"] == ["include_usage": true])
    }

    @Test func unicode_textArrivesAsWholeScalars() {
        let outcome = stream("unicode")
        #expect(outcome.streamedText == "héllo 🌍 世界")
        #expect(outcome.json["message"]?["content"] == "héllo 🌍 世界")
    }

    @Test func toolCall_idAndNameOnlyInFirstDelta_forwardedByIndexAndReassembled() {
        let outcome = stream("tool-openai")
        #expect(outcome.code == KAI_OK)
        #expect(outcome.toolCallDeltas == [
            .toolCall(index: 0, id: "call_abc123", name: "get_weather", arguments: ""),
            .toolCall(index: 0, id: "", name: "", arguments: "{\"ci"),
            .toolCall(index: 0, id: "", name: "", arguments: "ty\": \"Par"),
            .toolCall(index: 0, id: "", name: "", arguments: "is\"}"),
        ])
        #expect(outcome.json["message"] == [
            "role": "assistant", "content": nil,
            "tool_calls": [["id": "call_abc123", "name": "get_weather", "arguments": ["city": "Paris"]]],
        ])
        #expect(outcome.json["finish_reason"] == "tool_calls")
        #expect(outcome.terminalEvents == [.done(finishReason: "tool_calls", result: outcome.text)])
    }

    @Test(arguments: ["tool-args-empty", "tool-args-braces", "tool-args-null"])
    func emptyArguments_emptyStringBracesOrNull_becomeAnEmptyObject(model: String) {
        let outcome = stream(model)
        #expect(outcome.code == KAI_OK)
        let calls = outcome.json["message"]?["tool_calls"]?.arrayValue ?? []
        #expect(calls.count == 1)
        #expect(calls.first?["arguments"] == [:])
        #expect(calls.first?["name"] == "now")
    }

    @Test func interleavedCalls_reassembledByIndex() {
        let outcome = stream("tool-interleaved")
        #expect(outcome.json["message"]?["tool_calls"] == [
            ["id": "call_A", "name": "add", "arguments": ["a": 1, "b": 2]],
            ["id": "call_B", "name": "mul", "arguments": ["x": 2, "y": 3]],
        ])
        #expect(outcome.toolCallDeltas.count == 6)
        #expect(outcome.toolCallDeltas[1] == .toolCall(index: 1, id: "call_B", name: "mul", arguments: ""))
    }

    @Test func callsWithoutIndex_eachWholeInOneChunk_becomeSeparateCalls() {
        let outcome = stream("tool-no-index")
        #expect(outcome.json["message"]?["tool_calls"] == [
            ["id": "call_x1", "name": "add", "arguments": ["a": 1]],
            ["id": "call_x2", "name": "mul", "arguments": ["b": 2]],
        ])
        #expect(outcome.toolCallDeltas == [
            .toolCall(index: 0, id: "call_x1", name: "add", arguments: #"{"a":1}"#),
            .toolCall(index: 1, id: "call_x2", name: "mul", arguments: #"{"b":2}"#),
        ])
    }

    @Test func commentsAndCRLFLineEnds_areParsedLikePlainSSE() {
        let outcome = stream("sse-crlf-comments")
        #expect(outcome.code == KAI_OK)
        #expect(outcome.streamedText == "Hello, world!")
        #expect(outcome.json["message"]?["content"] == "Hello, world!")
    }

    @Test func legacyFunctionCallBesideToolCalls_isCountedOnce() {
        let outcome = stream("tool-legacy")
        #expect(outcome.json["message"]?["tool_calls"] == [
            ["id": "call__0_get_weather_cmpl-1", "name": "get_weather", "arguments": ["city": "Oslo"]],
        ])
        #expect(outcome.toolCallDeltas.count == 3)
    }

    @Test func legacyFunctionCallAlone_becomesAToolCallWithAnId() {
        let outcome = stream("tool-legacy-only")
        #expect(outcome.json["message"]?["tool_calls"] == [
            ["id": "call_0_chatcmpl-kai1", "name": "get_weather", "arguments": ["city": "Rome"]],
        ])
        #expect(outcome.json["finish_reason"] == "tool_calls")
        #expect(outcome.toolCallDeltas.first == .toolCall(index: 0, id: "call_0_chatcmpl-kai1", name: "get_weather", arguments: ""))
    }

    @Test func length_finishReasonIsLength() {
        #expect(stream("length").json["finish_reason"] == "length")
    }

    @Test func streamEndingWithoutDone_afterAFinishReason_isAccepted() {
        let outcome = stream("no-done")
        #expect(outcome.code == KAI_OK)
        #expect(outcome.json["message"]?["content"] == "Hello, world!")
    }

    @Test func sinkAnsweringStop_endsWithStoppedAndTheTextSoFar() {
        let outcome = provider.invoke(OpenAIFixtures.request("text")) { event in
            if case .text = event { return KAI_EVENT_STOP }
            return KAI_EVENT_CONTINUE
        }
        #expect(outcome.code == KAI_OK)
        #expect(outcome.events == [.text("Hello"), .done(finishReason: "stopped", result: outcome.text)])
        #expect(outcome.json["finish_reason"] == "stopped")
        #expect(outcome.json["message"]?["content"] == "Hello")
    }

    @Test func withoutASink_asksForAWholeCompletion() throws {
        let outcome = provider.invoke(OpenAIFixtures.request("tool-interleaved"))
        #expect(outcome.code == KAI_OK)
        #expect(outcome.events.isEmpty)
        #expect(outcome.json["message"]?["tool_calls"]?.arrayValue?.count == 2)
        #expect(outcome.json["usage"] == ["input_tokens": 12, "output_tokens": 5, "cost_usd": .number(Self.cost)])
        #expect(try server.lastRequest()["body"]?["stream"] == false)
        #expect(provider.invoke(OpenAIFixtures.request("text")).json["message"]?["content"] == "Hello, world!")
    }
}
