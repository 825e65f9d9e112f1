import CKaiABI
import KaiJSON
import KaiTestSupport
import Testing

/// Ollama's tool arguments are objects: the plugin serialises them from the
/// decoded strings before cutting the key out, so a key the server wrote
/// with a JSON escape (`\u0073k-…`) is cut too — checked on the plugin
/// itself, with no host scrubbing after it.
@Suite struct OllamaEscapedKeyTests {
    @Test func aKeyWrittenWithAJSONEscape_inToolArguments_isCut() throws {
        let token = "sk-ollama-proxy-0123456789abcdef"
        let server = try TranscriptServer(transcripts: "ollama", streamDefault: true)
        let config: JSONValue = ["endpoints": [["name": "replay", "base_url": .string(server.baseURL), "api_key_secret": "proxy"]],
                                 "proxy": .string(token)]
        let harness = try ProviderHarness(path: OllamaHost.pluginPath, config: config, capability: "ollama")
        let outcome = harness.invoke(OllamaHost.request("echo-token-escaped-tool")) { _ in KAI_EVENT_CONTINUE }
        #expect(outcome.code == KAI_OK)
        let arguments = outcome.events.reduce(into: "") { if case .toolCall(_, _, _, let a) = $1 { $0 += a } }
        #expect(arguments == #"{"city":"<api key>"}"#)
        #expect(outcome.json["message"]?["tool_calls"]?.arrayValue?.first?["arguments"]?["city"] == "<api key>")
        #expect(!outcome.text.contains("k-ollama-proxy"))
    }
}
