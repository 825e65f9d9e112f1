import Foundation
import KaiCore
import KaiJSON
import KaiRegistry
@testable import KaiRuntime
import KaiTestSupport
import Testing

/// One HTTP provider of the fault matrix: its plugin, its wire path, and the
/// transcript models that produce each fault on transcript_server.py.
struct FaultProvider: Sendable, CustomTestStringConvertible {
    let name: String
    let library: String
    let qualified: String
    /// The directory under Tests/Fixtures/transcripts.
    let transcripts: String
    /// Whether a request without "stream" streams (Ollama's /api/chat).
    let streamDefault: Bool
    /// base_url's suffix after the server's address, and the chat path after base_url.
    let baseSuffix: String
    let chatPath: String
    /// A healthy streamed answer, and one broken in the middle of an event.
    let text: String
    let malformed: String

    var testDescription: String { name }

    static let openai = FaultProvider(name: "openai", library: "libKaiPluginOpenAI.so", qualified: "dev.kai.openai.openai",
                                      transcripts: "openai", streamDefault: false, baseSuffix: "/v1", chatPath: "/chat/completions",
                                      text: "text", malformed: "malformed")
    static let anthropic = FaultProvider(name: "anthropic", library: "libKaiPluginAnthropic.so", qualified: "dev.kai.anthropic.anthropic",
                                         transcripts: "anthropic", streamDefault: false, baseSuffix: "", chatPath: "/v1/messages",
                                         text: "text", malformed: "malformed")
    static let ollama = FaultProvider(name: "ollama", library: "libKaiPluginOllama.so", qualified: "dev.kai.ollama.ollama",
                                      transcripts: "ollama", streamDefault: true, baseSuffix: "", chatPath: "/api/chat",
                                      text: "chat-streaming", malformed: "malformed-line")
    static let all = [openai, anthropic, ollama]

    /// Whether python3 (the transcript server's interpreter) is on PATH.
    static let hasPython: Bool = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { access("\($0)/python3", X_OK) == 0 }
    }()

    /// One transcript server per provider, started once for every test of the run.
    static let servers: [String: TranscriptServer] = {
        guard hasPython else { return [:] }
        var servers: [String: TranscriptServer] = [:]
        for provider in all {
            servers[provider.name] = try? TranscriptServer(transcripts: provider.transcripts, streamDefault: provider.streamDefault)
        }
        return servers
    }()

    var server: TranscriptServer {
        get throws {
            guard let server = Self.servers[name] else { throw FixtureError(message: "the \(name) transcript server did not start") }
            return server
        }
    }
}

extension Trait where Self == ConditionTrait {
    static var requiresPython3: Self {
        .enabled(if: FaultProvider.hasPython, Comment(rawValue: "needs python3 on PATH (it runs Tests/Fixtures/transcript_server.py)"))
    }
}

/// One runtime for the whole suite over the real openai, anthropic and
/// ollama plugins: endpoint `bad` (and `slow`, with a 0.5 s timeout_s) of
/// each provider on its transcript server, `down` on a port nothing
/// listens on, and the healthy fallback `openai/ok:text`. Every target in
/// `chained` has the chain [target, openai/ok:text]; any other target is a
/// chain of its own. Each test calls its own targets, so their breakers
/// and hops never meet.
enum FaultRuntime {
    static let fallback = "openai/ok:text"

    static let shared: Result<KaiRuntime, FixtureError> = {
        do {
            return .success(try open(chained: RouterFaultMatrixTests.chainedTargets))
        } catch {
            return .failure(FixtureError(message: "the fault matrix's runtime did not open: \(error)"))
        }
    }()

    private static func open(chained: [String]) throws -> KaiRuntime {
        let directory = Fixtures.scratch + "/router-fault-matrix"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let openaiBase = try FaultProvider.openai.server.baseURL + "/v1"
        var plugins = ""
        for each in FaultProvider.all {
            let url = try each.server.baseURL + each.baseSuffix
            let ok = each.name == "openai" ? "\n        - { name: ok, base_url: \"\(openaiBase)\" }" : ""
            plugins += """
                  - path: \(Fixtures.buildDirectory)/\(each.library)
                    config:
                      endpoints:
                        - { name: bad, base_url: "\(url)" }
                        - { name: slow, base_url: "\(url)", timeout_s: 0.5 }
                        - { name: down, base_url: "http://127.0.0.1:9\(each.baseSuffix)" }\(ok)

                """
        }
        let targets = chained.map { "    - name: \($0)\n      fallbacks: [\(fallback)]\n" }.joined() + "    - name: \(fallback)"
        try """
            database: \(directory)/registry.sqlite
            plugins:
            \(plugins)
            router:
              targets:
            \(targets)
            """.write(toFile: directory + "/kai.yaml", atomically: true, encoding: .utf8)
        let settings = RuntimeSettings(configFile: directory + "/kai.yaml", bundledDirectory: nil)
        return try KaiRuntime.open(settings: settings, environment: ["HOME": directory], diagnostics: RecordingDiagnostics())
    }
}

/// The shared runtime seen from one provider: its URLs and messages.
struct FaultWorld {
    static let fallback = FaultRuntime.fallback
    let provider: FaultProvider
    let runtime: KaiRuntime
    let base: String

    init(_ provider: FaultProvider) throws {
        self.provider = provider
        runtime = try FaultRuntime.shared.get()
        base = try provider.server.baseURL
    }

    /// "endpoint bad (http://127.0.0.1:PORT/v1/chat/completions)".
    func endpoint(_ name: String) -> String {
        let address = name == "down" ? "http://127.0.0.1:9" : base
        return "endpoint \(name) (\(address)\(provider.baseSuffix)\(provider.chatPath))"
    }

    /// "provider "dev.kai.openai.openai" failed (UNAVAILABLE): " + words.
    func failed(_ code: String, _ words: String) -> String {
        "provider \"\(provider.qualified)\" failed (\(code)): \(words)"
    }

    /// A call through the router for `target` (explicit, so the chain is the configured one).
    func call(_ target: String, timeout: Double, stream: Bool = true) -> Result<RoutedResult, RouteFailure> {
        let handler: ToolEventHandler = { _ in .continue }
        let options = CallOptions(timeout: timeout, onEvent: stream ? handler : nil)
        let request = Array(#"{"messages":[{"role":"user","content":"hi"}]}"#.utf8)
        do throws(RouteFailure) {
            return .success(try runtime.router.call(request: request, route: RouteRequest(explicit: target), options: options))
        } catch {
            return .failure(error)
        }
    }
}
