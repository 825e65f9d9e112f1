import CKaiABI
import Foundation
import KaiCore
import KaiJSON
import KaiProviderKit
import KaiTestSupport
import Logging
import Testing

/// A config number too large for the integers curl and the clock take must
/// never crash the host: each HTTP provider's configSchema bounds it (the
/// host refuses the config with its usual message), and the kit's
/// conversions saturate for whatever still reaches them.
@Suite struct ConfigRangeTests {
    static let quiet = Logger(label: "kai.plugin") { _ in SwiftLogNoOpLogHandler() }

    /// The error a host gives for `config` of the plugin at `path`.
    func refusal(_ path: String, capability: String, config: JSONValue) -> String? {
        let host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: path, settings: PluginSettings(config: config))]),
                                   logger: Self.quiet)
        do {
            _ = try host.callProvider(capability, request: Array(#"{"messages":[{"role":"user","content":"hi"}]}"#.utf8))
            return nil
        } catch {
            return error.description
        }
    }

    static let plugins = [
        (AnthropicFixtures.pluginPath, "anthropic", "dev.kai.anthropic"),
        (OpenAIFixtures.pluginPath, "openai", "dev.kai.openai"),
        (OllamaHost.pluginPath, "ollama", "dev.kai.ollama"),
    ]

    @Test(arguments: ["timeout_s", "connect_timeout_s"])
    func hugeTimeout_isRefusedByEachProvidersConfigSchema(key: String) {
        for (path, capability, id) in Self.plugins {
            var endpoint: JSONObject = ["name": "e", "base_url": "http://127.0.0.1:9"]
            endpoint[key] = 1e10
            let config: JSONValue = ["endpoints": [.object(endpoint)]]
            #expect(refusal(path, capability: capability, config: config) == """
                tool "\(id).\(capability)" is unavailable: \(path): its configuration does not match the plugin's configSchema:
                  $.endpoints[0].\(key): 10000000000.0 is greater than the maximum of 1000000 (maximum)
                """)
        }
    }

    @Test func hugeKeepAlive_isRefusedByOllamasConfigSchema() {
        let config: JSONValue = ["endpoints": [["name": "e", "base_url": "http://127.0.0.1:9", "keep_alive": 1e19]]]
        #expect(refusal(OllamaHost.pluginPath, capability: "ollama", config: config) == """
            tool "dev.kai.ollama.ollama" is unavailable: \(OllamaHost.pluginPath): its configuration does not match the plugin's configSchema:
              $.endpoints[0].keep_alive: 1e+19 is greater than the maximum of 31536000 (maximum)
            """)
    }

    @Test func conversions_saturateInsteadOfTrapping() {
        #expect(Saturating.int(1e19) == Int.max)
        #expect(Saturating.int(-1e19) == Int.min)
        #expect(Saturating.int(.infinity) == Int.max)
        #expect(Saturating.int(.nan) == 0)
        #expect(Saturating.int(12.9) == 12)
        #expect(Saturating.milliseconds(1e10) == 10_000_000_000_000)
        #expect(Saturating.milliseconds(1e17) == Int.max)
        #expect(Saturating.product(Int64.max / 2, 1_000_000) == .max)
        #expect(Saturating.product(-(Int64.max / 2), 1_000_000) == .min)
        #expect(Saturating.product(120_000, 1_000_000) == 120_000_000_000)
        #expect(Saturating.exactInteger(120) == 120)
        #expect(Saturating.exactInteger(1e19) == nil)
        #expect(Saturating.exactInteger(0.5) == nil)
        #expect(HTTPFailure.seconds(1e19) == "1e+19")
        #expect(HTTPFailure.seconds(120) == "120")
    }

    /// Past the schema (the plugin loaded without a host that checks it):
    /// a timeout of 1e10 s once overflowed the idle limit in nanoseconds,
    /// and a keep_alive of 1e19 s Int64(…); both now answer.
    @Test func hugeValuesReachingThePlugin_doNotCrashIt() throws {
        let anthropic = try TranscriptServer(transcripts: "anthropic")
        let harness = try AnthropicFixtures.harness(anthropic, endpoint: ["timeout_s": 1e10, "connect_timeout_s": 1e19])
        let streamed = harness.invoke(AnthropicFixtures.request("text")) { _ in KAI_EVENT_CONTINUE }
        #expect(streamed.code == KAI_OK)
        #expect(harness.invoke(AnthropicFixtures.request("text")).code == KAI_OK)
        let ollama = try TranscriptServer(transcripts: "ollama", streamDefault: true)
        let config: JSONValue = ["endpoints": [["name": "local", "base_url": .string(ollama.baseURL), "keep_alive": 1e19, "timeout_s": 1e19]]]
        let local = try ProviderHarness(path: OllamaHost.pluginPath, config: config, capability: "ollama")
        #expect(local.invoke(#"{"model":"chat-streaming","messages":[{"role":"user","content":"hi"}]}"#) { _ in KAI_EVENT_CONTINUE }.code == KAI_OK)
        #expect(try ollama.lastRequest()["body"]?["keep_alive"] == .number(1e19))
    }
}
