import CKaiABI
import Foundation
import Glibc
import KaiJSON
import KaiTestSupport
import Testing

/// Routing a model among endpoints without model lists: an endpoint that
/// could not be asked is not the same as one that lacks the model, so
/// when none serves it the call fails with that endpoint's error (a
/// retryable UNAVAILABLE, for the router to fall back on) instead of
/// INVALID_INPUT; cancel and the deadline end the call at once; a model
/// found once is routed from what was discovered, without asking again.
@Suite(.serialized) struct ProviderRoutingTests {
    /// A socket that listens but never accepts or answers: connecting
    /// succeeds, the answer never comes.
    final class SilentListener {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let port: Int
        init() {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let fd = self.fd
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    _ = bind(fd, pointer, length)
                    _ = listen(fd, 16)
                    return getsockname(fd, pointer, &length)
                }
            }
            port = Int(UInt16(bigEndian: address.sin_port))
        }
        deinit { close(fd) }
        var baseURL: String { "http://127.0.0.1:\(port)" }
    }

    static let anthropic = (AnthropicFixtures.pluginPath, "anthropic", "/v1/models?limit=1000")
    static let ollama = (OllamaHost.pluginPath, "ollama", "/api/tags")

    func harness(_ plugin: (String, String, String), _ first: String, _ second: String) throws -> ProviderHarness {
        let config: JSONValue = ["endpoints": [["name": "a", "base_url": .string(first)], ["name": "b", "base_url": .string(second)]]]
        return try ProviderHarness(path: plugin.0, config: config, capability: plugin.1)
    }

    func request(_ model: String) -> String { AnthropicFixtures.request(model) }

    @Test(arguments: [(anthropic, "anthropic"), (ollama, "ollama")])
    func anEndpointThatCouldNotBeAsked_failsTheCallUnavailable(plugin: (String, String, String), transcripts: String) throws {
        let server = try TranscriptServer(transcripts: transcripts, streamDefault: transcripts == "ollama")
        let closed = "http://127.0.0.1:\(OpenAIFixtures.closedPort())"
        let outcome = try harness(plugin, closed, server.baseURL).invoke(request("not-served-anywhere"))
        #expect(outcome.code == KAI_ERR_UNAVAILABLE)
        #expect(outcome.message == "could not connect to endpoint a (\(closed)\(plugin.2)): connection refused; is the server running? Check base_url in the plugin's config")
    }

    @Test(arguments: [(anthropic, "anthropic"), (ollama, "ollama")])
    func theDeadlinePassingWhileAsking_endsTheCallWithIt(plugin: (String, String, String), transcripts: String) throws {
        let server = try TranscriptServer(transcripts: transcripts, streamDefault: transcripts == "ollama")
        let silent = SilentListener()
        let outcome = try harness(plugin, silent.baseURL, server.baseURL).invoke(request("not-served-anywhere"), timeout: 1)
        #expect(outcome.code == KAI_ERR_DEADLINE_EXCEEDED)
        #expect(outcome.message == "the call's deadline passed before endpoint a (\(silent.baseURL)\(plugin.2)) finished answering")
    }

    @Test func openai_anEndpointThatCouldNotBeAsked_failsTheCallUnavailable() throws {
        let server = try ScriptedOpenAIServer()
        let closed = "http://127.0.0.1:\(OpenAIFixtures.closedPort())/v1"
        let config: JSONValue = ["endpoints": [["name": "a", "base_url": .string(closed)], ["name": "b", "base_url": .string(server.baseURL)]]]
        let outcome = try ProviderHarness(path: OpenAIFixtures.pluginPath, config: config).invoke(request("not-served-anywhere"))
        #expect(outcome.code == KAI_ERR_UNAVAILABLE)
        #expect(outcome.message == "could not connect to endpoint a (\(closed)/models): connection refused; is the server running? Check base_url in the plugin's config")
        // A model the other endpoint serves is still found there.
        #expect(try ProviderHarness(path: OpenAIFixtures.pluginPath, config: config).invoke(request("text")).code == KAI_OK)
    }

    /// Two endpoints on one server: the model list is fetched for the
    /// first call only.
    @Test(arguments: [(anthropic, "anthropic", "claude-haiku-4-5-20251001"), (ollama, "ollama", "llama3.2")])
    func aModelFoundOnce_isRoutedWithoutAskingAgain(plugin: (String, String, String), transcripts: String, model: String) throws {
        let server = try TranscriptServer(transcripts: transcripts, streamDefault: transcripts == "ollama")
        let harness = try harness(plugin, server.baseURL, server.baseURL)
        for _ in 0..<3 { _ = harness.invoke(request(model)) }
        let outcome = try Subprocess.run("/usr/bin/env", ["curl", "-sS", server.baseURL + "/_kai/requests"])
        let requests = try JSONParser.parse(outcome.stdout).arrayValue?.compactMap(\.stringValue) ?? []
        #expect(requests.filter { $0.hasPrefix("GET ") } == ["GET \(plugin.2)"])
        #expect(requests.filter { $0.hasPrefix("POST ") }.count == 3)
    }
}
