import Foundation
import KaiCore
import KaiJSON
import KaiRegistry
@testable import KaiRuntime
import KaiTestSupport
import Synchronization

/// A wall clock the test moves: breaker cooldowns pass by setting it, not by waiting.
final class TestClock: Sendable {
    private let seconds: Mutex<Double>
    init(_ start: Double = 1_800_000_000) { seconds = Mutex(start) }
    var now: Double { seconds.withLock { $0 } }
    func advance(_ by: Double) { seconds.withLock { $0 += by } }
    var function: @Sendable () -> Double { { [self] in now } }
}

/// A runtime over a config with the real openai plugin (endpoints a and b on
/// the scripted server, `down` on a port nothing listens on) and the
/// Retry-After fixture provider `busy`, plus `router` YAML; and a router on
/// a clock the test moves.
struct RouterWorld {
    let directory: String
    let runtime: KaiRuntime
    let server: ScriptedOpenAIServer
    let clock = TestClock()

    /// `extraPlugins`: more `plugins:` entries (YAML lines, indented as list items).
    init(_ name: String, router: String, aTimeout: Double = 30, extraPlugins: String = "") throws {
        directory = Fixtures.scratch + "/router-\(name)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        server = try ScriptedOpenAIServer()
        let busy = try Fixtures.compile("retry_provider", source: Fixtures.repositoryRoot + "/Tests/Fixtures/retry_provider.c")
        let config = directory + "/kai.yaml"
        try """
            database: \(directory)/registry.sqlite
            plugins:
              - path: \(Fixtures.buildDirectory)/libKaiPluginOpenAI.so
                config:
                  endpoints:
                    - { name: a, base_url: "\(server.baseURL)", timeout_s: \(aTimeout) }
                    - { name: b, base_url: "\(server.baseURL)" }
                    - { name: down, base_url: "http://127.0.0.1:9/v1" }
              - path: \(busy)
            \(extraPlugins)
            \(router)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let settings = RuntimeSettings(configFile: config, bundledDirectory: nil)
        runtime = try KaiRuntime.open(settings: settings, environment: ["HOME": directory], diagnostics: RecordingDiagnostics())
    }

    var configFile: String { directory + "/kai.yaml" }

    /// The runtime's router, on the test's clock.
    var router: Router {
        Router(config: runtime.config.router, configFile: runtime.configPath, host: runtime.host, store: runtime.store,
               clock: clock.function)
    }

    /// A one-message chat request.
    static let request = Array(#"{"messages":[{"role":"user","content":"hi"}]}"#.utf8)

    /// Calls through the router; the result or the failure.
    func call(_ route: RouteRequest, timeout: Double? = 20, stream: Bool = false,
              onFallback: (@Sendable (RouteHop, String) -> Void)? = nil) -> Result<RoutedResult, RouteFailure> {
        let handler: ToolEventHandler = { _ in .continue }
        let options = CallOptions(timeout: timeout, onEvent: stream ? handler : nil)
        let router = self.router
        do throws(RouteFailure) {
            let routed = try router.call(request: Self.request, route: route, options: options, onFallback: onFallback, attempt: nil)
            return .success(routed)
        } catch {
            return .failure(error)
        }
    }

    /// "endpoint a (http://127.0.0.1:PORT/v1/chat/completions)".
    func endpoint(_ name: String) -> String {
        name == "down" ? "endpoint down (http://127.0.0.1:9/v1/chat/completions)" : "endpoint \(name) (\(server.baseURL)/chat/completions)"
    }
}

extension Result {
    var success: Success? { if case .success(let value) = self { value } else { nil } }
    var failure: Failure? { if case .failure(let error) = self { error } else { nil } }
}
