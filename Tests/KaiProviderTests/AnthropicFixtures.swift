import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Logging
import Synchronization

/// The built anthropic plugin, configs for it and requests, shared by the tests.
enum AnthropicFixtures {
    static let pluginPath = Fixtures.buildDirectory + "/libKaiPluginAnthropic.so"
    static let provider = #"tool "dev.kai.anthropic.anthropic" failed"#

    /// A config with one endpoint named "replay" (no model list: any model
    /// goes to it, and the model picks the server's transcript).
    static func config(_ baseURL: String, endpoint extra: JSONObject = [:], top: JSONObject = [:]) -> JSONValue {
        var endpoint: JSONObject = ["name": "replay", "base_url": .string(baseURL)]
        for (key, value) in extra { endpoint[key] = value }
        var config: JSONObject = ["endpoints": [.object(endpoint)]]
        for (key, value) in top { config[key] = value }
        return .object(config)
    }

    static func harness(_ server: TranscriptServer, endpoint: JSONObject = [:], top: JSONObject = [:]) throws -> ProviderHarness {
        try ProviderHarness(path: pluginPath, config: config(server.baseURL, endpoint: endpoint, top: top), capability: "anthropic")
    }

    /// A one-message chat request for `model`.
    static func request(_ model: String, _ text: String = "hi") -> String {
        JSONValue.object(["model": .string(model), "messages": [["role": "user", "content": .string(text)]]]).serialized()
    }
}

/// A PluginHost with only the anthropic plugin, configured for one server.
struct AnthropicHost {
    let host: PluginHost

    init(config: JSONValue, secrets: [String: String] = [:]) {
        let settings = PluginSettings(config: config, secrets: secrets.mapValues {
            PluginSettings.Secret(value: $0, redacted: "<secret from ANTHROPIC_API_KEY>")
        }, isolation: .inprocess)
        host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: AnthropicFixtures.pluginPath, settings: settings)]),
                               logger: Logger(label: "kai.plugin") { _ in SwiftLogNoOpLogHandler() })
    }

    /// Streams a request; returns the result or the error, and the events.
    func stream(_ request: String, timeout: Double? = nil) -> (result: ProviderResult?, error: CallError?, events: [ToolEvent]) {
        let events = Mutex<[ToolEvent]>([])
        let options = CallOptions(timeout: timeout, onEvent: { event in
            events.withLock { $0.append(event) }
            return .continue
        })
        do {
            let result = try host.callProvider("anthropic", request: Array(request.utf8), options: options)
            return (result, nil, events.withLock { $0 })
        } catch {
            return (nil, error, events.withLock { $0 })
        }
    }

    /// The same without streaming.
    func complete(_ request: String, timeout: Double? = nil) -> (result: ProviderResult?, error: CallError?) {
        do {
            return (try host.callProvider("anthropic", request: Array(request.utf8), options: CallOptions(timeout: timeout)), nil)
        } catch {
            return (nil, error)
        }
    }
}
