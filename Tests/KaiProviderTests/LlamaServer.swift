import Foundation
import KaiTestSupport
import Testing

/// llama-cpp-python's own OpenAI-compatible server (`python3 -m
/// llama_cpp.server`) from Kai's cached build, serving the SmolLM2 GGUF on
/// 127.0.0.1 — the real server the openai plugin is tested against.
final class LlamaServer: @unchecked Sendable {
    // @unchecked: set once in init, killed in deinit.
    let port: Int
    private let process: Process

    /// $KAI_CACHE_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/kai.
    static let cache: String = {
        let environment = ProcessInfo.processInfo.environment
        if let dir = environment["KAI_CACHE_DIR"], !dir.isEmpty { return dir }
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
        return base + "/kai"
    }()
    static let python = cache + "/venv/bin/python"
    static let model = cache + "/models/SmolLM2-135M-Instruct.Q4_1.gguf"

    /// What the machine lacks for these tests, or nil.
    static let missing: String? = {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            return "\(python) (the venv with llama_cpp[server]; `make install` builds it)"
        }
        guard FileManager.default.fileExists(atPath: model) else { return "\(model) (`make install` extracts it)" }
        return nil
    }()

    init() throws {
        port = OpenAIFixtures.closedPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = ["-m", "llama_cpp.server", "--model", Self.model, "--chat_format", "chatml-function-calling",
                             "--host", "127.0.0.1", "--port", String(port), "--n_ctx", "2048", "--n_threads", "2"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        // Ready when uvicorn says it listens (it starts after the model
        // loads); the rest of its log is drained so the pipe never fills.
        var seen: [String] = []
        let handle = errors.fileHandleForReading
        while true {
            let line = FixtureServer.readLine(handle)
            if line.contains("Uvicorn running on") { break }
            guard !line.isEmpty || process.isRunning else {
                throw FixtureError(message: "llama_cpp.server exited before listening:\n" + seen.suffix(10).joined(separator: "\n"))
            }
            seen.append(line)
        }
        Thread { _ = handle.readDataToEndOfFile() }.start()
        try waitForModels()
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// GET /v1/models until it answers: at most 50 tries, each one a
    /// request with curl's own connect timeout (no sleeping).
    private func waitForModels() throws {
        for _ in 0..<50 {
            let outcome = try Subprocess.run("/usr/bin/env", ["curl", "-sS", "--connect-timeout", "1", "-o", "/dev/null",
                                                              "-w", "%{http_code}", baseURL + "/models"])
            if outcome.stdout == "200" { return }
        }
        throw FixtureError(message: "llama_cpp.server at \(baseURL) never answered GET /v1/models")
    }
}

extension Trait where Self == ConditionTrait {
    /// For tests against llama-cpp-python's server from Kai's cache.
    static var requiresLlamaServer: Self {
        .enabled(if: LlamaServer.missing == nil, Comment(rawValue: "needs llama-cpp-python's server and the SmolLM2 GGUF in Kai's cache; missing: \(LlamaServer.missing ?? "")"))
    }
}
