import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Logging
import Synchronization

/// A PluginHost with only the ollama plugin (the real .so), configured for
/// the transcript server, called as `kai prompt` and `kai models` call it.
struct OllamaHost {
    static let pluginPath = Fixtures.buildDirectory + "/libKaiPluginOllama.so"

    let host: PluginHost

    init(config: JSONValue, secrets: [String: String] = [:], isolation: PluginIsolation = .inprocess) {
        let settings = PluginSettings(config: config, secrets: secrets.mapValues {
            PluginSettings.Secret(value: $0, redacted: "<secret from OLLAMA_TOKEN>")
        }, isolation: isolation)
        host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: Self.pluginPath, settings: settings)]),
                               logger: Logger(label: "kai.plugin") { _ in SwiftLogNoOpLogHandler() })
    }

    /// One endpoint named "replay" at `baseURL` (no model list: any model
    /// goes to it, and names the transcript).
    init(_ baseURL: String, endpoint extra: JSONObject = [:], top: JSONObject = [:], secrets: [String: String] = [:],
         isolation: PluginIsolation = .inprocess) {
        var endpoint: JSONObject = ["name": "replay", "base_url": .string(baseURL)]
        for (key, value) in extra { endpoint[key] = value }
        var config: JSONObject = ["endpoints": [.object(endpoint)]]
        for (key, value) in top { config[key] = value }
        self.init(config: .object(config), secrets: secrets, isolation: isolation)
    }

    /// A one-message chat request for `model`.
    static func request(_ model: String, _ text: String = "why is the sky blue?") -> String {
        JSONValue.object(["model": .string(model), "messages": [["role": "user", "content": .string(text)]]]).serialized()
    }

    /// Streams a request; returns the result or the error, and the events.
    func stream(_ request: String, timeout: Double? = nil, token: CancellationToken? = nil)
        -> (result: ProviderResult?, error: CallError?, events: [ToolEvent]) {
        let events = Mutex<[ToolEvent]>([])
        let options = CallOptions(timeout: timeout, cancellation: token, onEvent: { event in
            events.withLock { $0.append(event) }
            return .continue
        })
        do {
            let result = try host.callProvider("ollama", request: Array(request.utf8), options: options)
            return (result, nil, events.withLock { $0 })
        } catch {
            return (nil, error, events.withLock { $0 })
        }
    }

    /// The same without streaming.
    func complete(_ request: String, timeout: Double? = nil) -> (result: ProviderResult?, error: CallError?) {
        do {
            return (try host.callProvider("ollama", request: Array(request.utf8), options: CallOptions(timeout: timeout)), nil)
        } catch {
            return (nil, error)
        }
    }
}
