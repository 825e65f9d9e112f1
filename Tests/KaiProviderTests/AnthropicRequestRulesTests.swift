import CKaiABI
import KaiJSON
import KaiTestSupport
import Testing

/// Requests the Messages API would refuse are shaped (or refused) here:
/// "all messages must have non-empty content except for the optional final
/// assistant message", no whitespace-only stop sequences, no tool_choice
/// without tools. Checked on the body the server received.
@Suite struct AnthropicRequestRulesTests {
    let server: TranscriptServer
    let harness: ProviderHarness

    init() throws {
        server = try TranscriptServer(transcripts: "anthropic")
        harness = try AnthropicFixtures.harness(server)
    }

    func sentBody(_ request: JSONValue) throws -> JSONValue {
        let outcome = harness.invoke(request.serialized())
        #expect(outcome.code == KAI_OK, "\(outcome.message ?? "")")
        return try #require(try server.lastRequest()["body"])
    }

    @Test func emptyAssistantTurnsAndEmptyUserText_areLeftOut_butAFinalEmptyAssistantStays() throws {
        let request: JSONValue = ["model": "text", "messages": [
            ["role": "user", "content": "hi"], ["role": "assistant", "content": .null], ["role": "user", "content": ""],
            ["role": "assistant", "content": ""], ["role": "user", "content": "again"],
            ["role": "assistant", "content": .null, "tool_calls": [["id": "toolu_1", "name": "t", "arguments": [:]]]],
            ["role": "tool", "tool_call_id": "toolu_1", "content": "ok"], ["role": "assistant", "content": ""]]]
        #expect(try sentBody(request)["messages"]?.serialized() == #"[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"text","text":"again"}]},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"t","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"}]},{"role":"assistant","content":""}]"#)
    }

    @Test func aRequestWithNoContentAtAll_isRefused() {
        let request: JSONValue = ["model": "text", "messages": [["role": "user", "content": ""]]]
        let outcome = harness.invoke(request.serialized())
        #expect(outcome.code == KAI_ERR_INVALID_INPUT)
        #expect(outcome.message == "the request has no user or assistant message with content; the Messages API needs at least one")
    }

    @Test func aWhitespaceOnlyStopSequence_isRefusedWithTheReason() {
        let request: JSONValue = ["model": "text", "stop": ["END", "\n"], "messages": [["role": "user", "content": "hi"]]]
        let outcome = harness.invoke(request.serialized())
        #expect(outcome.code == KAI_ERR_INVALID_INPUT)
        #expect(outcome.message == #"stop: the Messages API refuses stop sequences made only of whitespace, such as "\n"; remove it from stop, or end the answer another way (max_tokens)"#)
    }

    @Test func toolChoiceWithoutTools_isNotSent() throws {
        let request: JSONValue = ["model": "text", "tool_choice": "auto", "messages": [["role": "user", "content": "hi"]]]
        let body = try sentBody(request)
        #expect(body["tool_choice"] == nil)
        #expect(body["tools"] == nil)
    }
}
