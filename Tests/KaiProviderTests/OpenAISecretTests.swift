import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// An API key planted in the config never shows up anywhere a test can
/// look — error text, events, responses, the host's logs — after any
/// provider path, success or failure; the server does receive it.
@Suite struct OpenAISecretTests {
    static let key = "sk-kai-test-PLANTED-7f3a9c1e5b2d4086"

    /// Every provider path, each leaving text behind.
    static func everyPath(_ host: OpenAIHost, server: ScriptedOpenAIServer) -> [String] {
        var seen: [String] = []
        func record(_ outcome: (result: ProviderResult?, error: CallError?, events: [ToolEvent])) {
            seen.append(outcome.result.map { String(decoding: $0.json, as: UTF8.self) } ?? "")
            seen.append(outcome.result.map { String(describing: $0) } ?? "")
            seen.append(outcome.error.map { "\($0.description) \(String(describing: $0)) \(String(reflecting: $0))" } ?? "")
            seen.append(outcome.events.map { String(describing: $0) }.joined(separator: "\n"))
        }
        for model in ["text", "tool-openai", "fail-401", "fail-500", "fail-404", "bad-json", "drop"] {
            record(host.stream(OpenAIFixtures.request(model)))
            let complete = host.complete(OpenAIFixtures.request(model))
            record((complete.result, complete.error, []))
        }
        record(host.stream(OpenAIFixtures.request("hang"), timeout: 0.3))
        let token = CancellationToken()
        Thread {
            server.waitUntilHanging()  // the deadline call's, already printed
            server.waitUntilHanging()  // the next call's
            token.cancel()
        }.start()
        let cancelled = host.stream(OpenAIFixtures.request("hang"), token: token)
        #expect(cancelled.error?.code == .cancelled)
        record(cancelled)
        do {
            seen.append(try host.host.listModels(provider: "openai").map(\.id).joined())
        } catch {
            seen.append(error.description)
        }
        seen.append(host.logs.text)
        return seen
    }

    @Test func keyFromTheSecretsMechanism_neverAppears_butReachesTheServer() throws {
        let server = try ScriptedOpenAIServer()
        let config = OpenAIFixtures.config(server.baseURL, endpoint: ["api_key_secret": "openai_key"])
        let host = OpenAIHost(config: config, secrets: ["openai_key": Self.key])
        let seen = Self.everyPath(host, server: server)
        #expect(seen.count > 40)
        #expect(host.logs.text.contains("refused the API key"))  // the log saw the failures too
        #expect(!seen.contains { $0.contains(Self.key) })
        #expect(!seen.contains { $0.contains("PLANTED") })
        _ = host.complete(OpenAIFixtures.request("text"))
        #expect(try server.lastRequest()["headers"]?["authorization"] == .string("Bearer " + Self.key))
    }

    /// The key as a plain config value, unknown to the host's scrubber: the
    /// plugin alone must keep it out (a 401 body echoing it included).
    @Test func keyTheHostDoesNotKnow_isKeptOutByThePluginItself() throws {
        let server = try ScriptedOpenAIServer()
        let config = OpenAIFixtures.config(server.baseURL, endpoint: ["api_key_secret": "openai_key"], top: ["openai_key": .string(Self.key)])
        let host = OpenAIHost(config: config)
        let seen = Self.everyPath(host, server: server)
        #expect(!seen.contains { $0.contains(Self.key) })
        #expect(!seen.contains { $0.contains("PLANTED") })
        let refused = host.complete(OpenAIFixtures.request("fail-401")).error
        #expect(refused?.description.hasSuffix(#"refused the API key: HTTP 401: Incorrect API key provided: <api key>.; check the API key in secret "openai_key" (the plugin entry's secrets: {openai_key: ENV_VAR}) and the variable's value"#) == true)
    }

    @Test func unconnectedPaths_refusedAndUnresolvable_neverShowTheKey() {
        for url in ["http://127.0.0.1:\(OpenAIFixtures.closedPort())/v1", "http://kai-no-such-host.invalid/v1"] {
            let config = OpenAIFixtures.config(url, endpoint: ["api_key_secret": "openai_key", "connect_timeout_s": 2],
                                               top: ["openai_key": .string(Self.key)])
            let host = OpenAIHost(config: config)
            let error = host.stream(OpenAIFixtures.request("text")).error
            #expect(error?.code == .unavailable)
            #expect(error?.description.contains(Self.key) == false)
            #expect(!host.logs.text.contains(Self.key))
        }
    }
}
