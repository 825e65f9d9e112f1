import CKaiABI
import KaiJSON
import KaiTestSupport
import Testing

/// The kit's error details carry, beside the message, the HTTP status and
/// the server's Retry-After as integers (kai_provider.h, ERROR DETAILS), so
/// a router can act on them without parsing words.
@Suite struct ProviderErrorDetailsTests {
    let server: ScriptedOpenAIServer
    let harness: ProviderHarness

    init() throws {
        server = try ScriptedOpenAIServer()
        harness = try OpenAIFixtures.harness(server)
    }

    @Test func http429WithRetryAfter_detailsCarryStatusAndSeconds_streamedAndNot() throws {
        let streamed = harness.invoke(OpenAIFixtures.request("fail-429-retry")) { _ in KAI_EVENT_CONTINUE }
        let whole = harness.invoke(OpenAIFixtures.request("fail-429-retry"))
        for outcome in [streamed, whole] {
            #expect(outcome.code == KAI_ERR_UNAVAILABLE)
            #expect(outcome.details["http_status"]?.intValue == 429)
            #expect(outcome.details["retry_after_s"]?.intValue == 7)
        }
        guard case .error(_, let details)? = streamed.events.last else {
            Issue.record("no ERROR event: \(streamed.events)")
            return
        }
        let event = try JSONParser.parse(details)
        #expect(event["http_status"]?.intValue == 429)
        #expect(event["retry_after_s"]?.intValue == 7)
    }

    @Test func http500_detailsCarryTheStatusButNoRetryAfter() {
        let outcome = harness.invoke(OpenAIFixtures.request("fail-500"))
        #expect(outcome.details["http_status"]?.intValue == 500)
        #expect(outcome.details["retry_after_s"] == nil)
    }

    @Test func connectionRefused_detailsCarryNoStatus() throws {
        let url = "http://127.0.0.1:\(OpenAIFixtures.closedPort())/v1"
        let refused = try ProviderHarness(path: OpenAIFixtures.pluginPath, config: OpenAIFixtures.config(url))
        let outcome = refused.invoke(OpenAIFixtures.request("text"))
        #expect(outcome.code == KAI_ERR_UNAVAILABLE)
        #expect(outcome.details["http_status"] == nil)
        #expect(outcome.details.objectValue?.count == 1)
    }
}
