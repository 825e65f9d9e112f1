import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// timeout_s while streaming is the longest wait for the server's next
/// bytes, not a cap on the whole answer; the call's deadline still is one.
@Suite struct OpenAITimeoutTests {
    let server: ScriptedOpenAIServer
    let host: OpenAIHost

    init() throws {
        server = try ScriptedOpenAIServer()
        host = OpenAIHost(config: OpenAIFixtures.config(server.baseURL, endpoint: ["timeout_s": 1]))
    }

    @Test func streamLongerThanTimeout_butNeverSilentThatLong_completes() {
        // "slow": a token every 0.4 s for 2 s.
        let (result, error, _) = host.stream(OpenAIFixtures.request("slow"))
        #expect(error == nil)
        #expect(result?.content == "t0 t1 t2 t3 t4 ")
        #expect(result?.finishReason == "stop")
    }

    @Test func serverSilentLongerThanTimeoutWhileStreaming_failsNamingTheSetting() {
        let (_, error, events) = host.stream(OpenAIFixtures.request("hang-first"))
        #expect(events.first == .textDelta("first"))
        #expect(error?.code == .deadlineExceeded)
        #expect(error?.description == #"tool "dev.kai.openai.openai" failed (DEADLINE_EXCEEDED): endpoint scripted (\#(server.baseURL)/chat/completions) sent nothing for 1 s while streaming (timeout_s, the longest wait for the server's next bytes); raise timeout_s in the endpoint's config or check the server"#)
    }

    @Test func theCallsDeadline_stillCapsAStreamThatKeepsSending() {
        let (_, error, _) = host.stream(OpenAIFixtures.request("slow"), timeout: 0.5)
        #expect(error?.code == .deadlineExceeded)
    }
}
