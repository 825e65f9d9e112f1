import CKaiABI
import KaiJSON
import KaiTestSupport
import Testing

/// How a streamed answer ends when it does not end well: input tokens are
/// reported as soon as message_start gives them (a cancelled or cut stream
/// still counts them), a tool call cut off by max_tokens is dropped and the
/// answer finishes "length", a call open when the caller said STOP is
/// dropped rather than kept with {}.
@Suite struct AnthropicStreamEndTests {
    let server: TranscriptServer
    let harness: ProviderHarness

    init() throws {
        server = try TranscriptServer(transcripts: "anthropic")
        harness = try AnthropicFixtures.harness(server)
    }

    @Test func usage_isReportedAtMessageStart_thenAtMessageDelta() {
        let outcome = harness.invoke(AnthropicFixtures.request("text")) { _ in KAI_EVENT_CONTINUE }
        #expect(outcome.code == KAI_OK)
        let usages = outcome.events.filter { if case .usage = $0 { true } else { false } }
        #expect(usages == [.usage(input: 25, output: 1, cost: -1), .usage(input: 25, output: 15, cost: -1)])
    }

    @Test func aCancelledStream_hasReportedItsInputTokens() {
        let state = CallState()
        let outcome = harness.invoke(AnthropicFixtures.request("hold-text"), timeout: 30, call: state) { event in
            if case .usage = event { state.cancel() }
            return KAI_EVENT_CONTINUE
        }
        #expect(outcome.code == KAI_ERR_CANCELLED)
        #expect(outcome.events.first == .usage(input: 25, output: 1, cost: -1))
    }

    @Test func aStreamCutMidEvent_hasReportedItsInputTokens() {
        let outcome = harness.invoke(AnthropicFixtures.request("cut-text")) { _ in KAI_EVENT_CONTINUE }
        #expect(outcome.code == KAI_ERR_UNAVAILABLE)
        #expect(outcome.events.first == .usage(input: 25, output: 1, cost: -1))
    }

    @Test func aToolCallCutOffByMaxTokens_isDropped_andTheAnswerFinishesLength() throws {
        let outcome = harness.invoke(AnthropicFixtures.request("max-tokens-in-tool")) { _ in KAI_EVENT_CONTINUE }
        #expect(outcome.code == KAI_OK, "\(outcome.message ?? "")")
        #expect(outcome.json["finish_reason"] == "length")
        #expect(outcome.json["message"]?["tool_calls"] == nil)
        #expect(outcome.json["message"]?["content"] == "")
    }

    @Test func badToolInput_withAnotherStopReason_stillFailsTheCall() {
        let outcome = harness.invoke(AnthropicFixtures.request("bad-input")) { _ in KAI_EVENT_CONTINUE }
        #expect(outcome.code == KAI_ERR_UNAVAILABLE)
        #expect(outcome.message?.contains("with input that is not a JSON object") == true, "\(outcome.message ?? "")")
    }

    @Test func stopDuringAToolUseBlock_dropsThatCall() {
        // tool.sse: a text block, then get_weather's input in fragments;
        // STOP at the second fragment leaves the call open.
        var fragments = 0
        let outcome = harness.invoke(AnthropicFixtures.request("tool")) { event in
            if case .toolCall(_, _, _, let arguments) = event, !arguments.isEmpty { fragments += 1 }
            return fragments == 2 ? KAI_EVENT_STOP : KAI_EVENT_CONTINUE
        }
        #expect(outcome.code == KAI_OK)
        #expect(outcome.json["finish_reason"] == "stopped")
        #expect(outcome.json["message"]?["tool_calls"] == nil)
    }
}
