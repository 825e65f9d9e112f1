import CKaiABI
import KaiJSON
import KaiTestSupport
import Testing

/// GET /v1/models pages with after_id = the last page's last_id: the
/// server's text, percent-encoded in the query.
@Suite struct AnthropicModelPagingTests {
    @Test func afterID_isURLEncoded() throws {
        let server = try TranscriptServer(transcripts: "anthropic")
        let config: JSONValue = ["endpoints": [["name": "paged", "base_url": .string(server.baseURL + "/paged")]]]
        let harness = try ProviderHarness(path: AnthropicFixtures.pluginPath, config: config, capability: "anthropic")
        let outcome = harness.invoke("{}", operation: UInt32(KAI_OP_LIST_MODELS))
        #expect(outcome.code == KAI_OK)
        #expect(try server.lastRequest()["path"] == "/paged/v1/models?limit=1000&after_id=model%20a%26b%3Dc%2Fd%23e")
    }
}
