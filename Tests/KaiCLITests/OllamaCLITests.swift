import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai prompt` and `kai models` with the ollama provider, end to end: the
/// real binary, the real plugin, and Ollama's documented answers replayed by
/// Tests/Fixtures/transcript_server.py.
@Suite struct OllamaCLITests {
    let server: OllamaReplay
    let config: String
    var port: Int { server.port }

    init() throws {
        server = try OllamaReplay()
        let directory = Fixtures.scratch + "/ollama-cli-\(server.port)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        config = directory + "/kai.yaml"
        try """
            database: \(directory)/registry.sqlite
            plugins:
              - path: \(Fixtures.buildDirectory)/libKaiPluginOllama.so
                config:
                  endpoints:
                    - name: local
                      base_url: http://127.0.0.1:\(server.port)
            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// Without --no-bundled-plugins: it would exclude the build directory,
    /// where the plugin is.
    func kai(_ arguments: [String]) throws -> KaiProcess.Outcome {
        try KaiProcess.run(arguments + ["--config", config])
    }

    @Test func prompt_streamsOllamasAnswer() throws {
        let outcome = try kai(["prompt", "-m", "ollama/chat-streaming", "why is the sky blue?"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "The sky is blue because of Rayleigh scattering.\n")
    }

    @Test func models_areTheServersPulledModels() throws {
        let outcome = try kai(["models"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "ollama/deepseek-r1:latest (default)\nollama/llama3.2:latest\n")
    }

    @Test func prompt_modelNotPulled_failsSayingToPullIt() throws {
        let outcome = try kai(["prompt", "-m", "ollama/local:fail-404", "hi"])
        #expect(outcome.status == 76)
        #expect(outcome.stderr == "kai: error: provider \"dev.kai.ollama.ollama\" failed (INVALID_INPUT): endpoint local (http://127.0.0.1:\(port)/api/chat) answered HTTP 404: model \"fail-404\" not found, try pulling it first; run `ollama pull fail-404` on that server, or name a model it has (kai models ollama); check that base_url (http://127.0.0.1:\(port)) is the server's address, without /api or /v1\n")
    }
}

/// transcript_server.py over the Ollama transcripts, killed with the test.
final class OllamaReplay: @unchecked Sendable {
    // @unchecked: the process handle is set once in init and only
    // killed in deinit.
    let port: Int
    private let process: Process

    init() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.repositoryRoot + "/Tests/Fixtures/transcript_server.py",
                             Fixtures.repositoryRoot + "/Tests/Fixtures/transcripts/ollama", "--stream-default", "yes"]
        let output = Pipe()
        process.standardOutput = output
        // Held open by this process only: the server exits when it closes.
        process.standardInput = Pipe()
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        var line: [UInt8] = []
        while let byte = output.fileHandleForReading.readData(ofLength: 1).first, byte != UInt8(ascii: "\n") { line.append(byte) }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("port "), let port = Int(text.dropFirst(5)) else {
            kill(process.processIdentifier, SIGKILL)
            throw FixtureError(message: "the transcript server did not print its port (got \"\(text)\")")
        }
        self.port = port
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
