import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai prompt` and `kai models` with the ollama provider, end to end: the
/// real binary, the real plugin, and Ollama's documented answers replayed by
/// Tests/Fixtures/transcript_server.py.
@Suite struct OllamaCLITests {
    let server: TranscriptServer
    let config: String
    var port: Int { server.port }

    init() throws {
        server = try TranscriptServer(transcripts: "ollama", streamDefault: true)
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
