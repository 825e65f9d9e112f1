import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Logging
import Synchronization

/// A PluginHost with only the openai plugin, configured for one server, and
/// the log lines it gets from the plugin.
struct OpenAIHost {
    let host: PluginHost
    let logs: LogCapture

    /// `secrets`: config key → value, merged in as the operator's secrets
    /// entry does (so the host knows them as secrets).
    init(config: JSONValue, secrets: [String: String] = [:], isolation: PluginIsolation = .inprocess) {
        logs = LogCapture()
        let settings = PluginSettings(config: config, secrets: secrets.mapValues {
            PluginSettings.Secret(value: $0, redacted: "<secret from OPENAI_API_KEY>")
        }, isolation: isolation)
        let capture = logs
        host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: OpenAIFixtures.pluginPath, settings: settings)]),
                               logger: Logger(label: "kai.plugin") { _ in capture })
    }

    /// Streams a request; returns the result or the error, and the events.
    func stream(_ request: String, timeout: Double? = nil, token: CancellationToken? = nil,
                provider: String = "openai") -> (result: ProviderResult?, error: CallError?, events: [ToolEvent]) {
        let events = Mutex<[ToolEvent]>([])
        let options = CallOptions(timeout: timeout, cancellation: token, onEvent: { event in
            events.withLock { $0.append(event) }
            return .continue
        })
        do {
            let result = try host.callProvider(provider, request: Array(request.utf8), options: options)
            return (result, nil, events.withLock { $0 })
        } catch {
            return (nil, error, events.withLock { $0 })
        }
    }

    /// The same without streaming.
    func complete(_ request: String, timeout: Double? = nil) -> (result: ProviderResult?, error: CallError?) {
        do {
            return (try host.callProvider("openai", request: Array(request.utf8), options: CallOptions(timeout: timeout)), nil)
        } catch {
            return (nil, error)
        }
    }
}

/// Collects every log line (with its metadata) the host writes.
final class LogCapture: LogHandler, @unchecked Sendable {
    // @unchecked: `lines` is behind a Mutex; metadata and logLevel are
    // swift-log's per-handler settings, set before use.
    let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.withLock { $0.append("\(event.level) \(event.message) \(event.metadata ?? [:]) \(self.metadata)") }
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}
