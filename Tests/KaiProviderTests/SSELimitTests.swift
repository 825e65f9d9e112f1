import CKaiABI
import KaiJSON
import KaiProviderKit
import KaiTestSupport
import Testing

/// An SSE event is capped (16 MiB, like Ollama's NDJSON lines): a server
/// that never ends a line must not grow the host's memory without bound.
/// Lines end in LF, CRLF or a bare CR, as the SSE spec allows.
@Suite struct SSELimitTests {
    /// The events `chunks` give, and how feeding them ended.
    func parse(_ chunks: [String], limit: Int = SSEParser.defaultLimit) -> (events: [String], outcome: SSEParser.Outcome) {
        var parser = SSEParser(limit: limit)
        var events: [String] = []
        var outcome = SSEParser.Outcome.more
        for chunk in chunks where outcome == .more {
            outcome = Array(chunk.utf8).withUnsafeBytes { bytes in
                parser.feed(bytes) { events.append(String(decoding: $0, as: UTF8.self)); return true }
            }
        }
        if outcome == .more, let tail = parser.finish() { events.append(String(decoding: tail, as: UTF8.self)) }
        return (events, outcome)
    }

    @Test func anEventLongerThanTheLimit_stopsTheParser() {
        #expect(parse(["data: 0123456789"], limit: 8).outcome == .eventTooLong)
        // Several data lines count together.
        #expect(parse(["data: 0123\n", "data: 4567\n", "data: 89\n"], limit: 12).outcome == .eventTooLong)
        #expect(parse(["data: 0123\n\n", "data: 4567\n\n"], limit: 12) == (["0123", "4567"], .more))
    }

    @Test func linesEndingInCRLFOrABareCR_areRead() {
        #expect(parse(["data: a\r\n\r\ndata: b\r\r", "data: c\r", "\n\r\n"]).events == ["a", "b", "c"])
        #expect(parse(["event: x\rdata: one\rdata: two\r\r"]).events == ["one\ntwo"])
    }

    /// The transcript server's long-16: one data line of 16 MiB and a byte.
    @Test func anthropic_aServerSendingAnEndlessLine_failsUnavailable() throws {
        let server = try TranscriptServer(transcripts: "anthropic")
        let outcome = try AnthropicFixtures.harness(server).invoke(AnthropicFixtures.request("long-16"), timeout: 60) { _ in KAI_EVENT_CONTINUE }
        #expect(outcome.code == KAI_ERR_UNAVAILABLE)
        #expect(outcome.message == "endpoint replay (\(server.baseURL)/v1/messages) sent an event longer than 16 MiB without ending it; is base_url the right server?")
    }

    @Test func openai_aServerSendingAnEndlessLine_failsUnavailable() throws {
        let server = try TranscriptServer(transcripts: "anthropic")
        let harness = try ProviderHarness(path: OpenAIFixtures.pluginPath, config: OpenAIFixtures.config(server.baseURL))
        let outcome = harness.invoke(OpenAIFixtures.request("long-16"), timeout: 60) { _ in KAI_EVENT_CONTINUE }
        #expect(outcome.code == KAI_ERR_UNAVAILABLE)
        #expect(outcome.message?.hasSuffix("/chat/completions) sent an event longer than 16 MiB without ending it; is base_url the right server?") == true,
                "\(outcome.message ?? "")")
    }
}
