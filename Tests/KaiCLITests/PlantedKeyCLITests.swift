import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// The API keys of the anthropic and ollama providers, planted in servers
/// that echo them back (in an error body, an error event's type and
/// message, streamed text split across events, tool arguments), reach no
/// output of `kai` and no byte of the registry — with payload logging on
/// and the router recording each hop's error message in the call log.
@Suite struct PlantedKeyCLITests {
    /// What the anthropic transcripts key-*.sse and fail-400.json echo.
    static let anthropicKey = "sk-ant-api03-echoed-0123456789"
    /// What the ollama transcripts echo-token*.ndjson and fail-401.json echo.
    static let ollamaToken = "sk-ollama-proxy-0123456789abcdef"

    @Test func plantedKeys_appearInNoOutputAndNoDatabaseFile_acrossProvidersAndFallbacks() throws {
        let anthropic = try TranscriptServer(transcripts: "anthropic")
        let ollama = try TranscriptServer(transcripts: "ollama", streamDefault: true)
        let directory = Fixtures.scratch + "/planted-keys-\(anthropic.port)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/kai.yaml"
        for name in ["libKaiPluginAnthropic.so", "libKaiPluginOllama.so"] {
            try FileManager.default.copyItem(atPath: Fixtures.buildDirectory + "/" + name, toPath: directory + "/" + name)
        }
        try """
            database: \(directory)/registry.sqlite
            payload_logging: true
            plugins:
              - path: \(directory)/libKaiPluginAnthropic.so
                config:
                  endpoints: [{name: replay, base_url: "\(anthropic.baseURL)", api_key_secret: anthropic_key}]
                secrets: { anthropic_key: KAI_TEST_ANTHROPIC_KEY }
              - path: \(directory)/libKaiPluginOllama.so
                config:
                  endpoints: [{name: replay, base_url: "\(ollama.baseURL)", api_key_secret: token}]
                secrets: { token: KAI_TEST_OLLAMA_TOKEN }
            router:
              breaker: { failures: 100 }
              targets:
                - name: anthropic/key-error-type
                  fallbacks: [ollama/echo-token]
                - name: ollama/fail-401
                  fallbacks: [anthropic/key-echo]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let environment = ["KAI_TEST_ANTHROPIC_KEY": Self.anthropicKey, "KAI_TEST_OLLAMA_TOKEN": Self.ollamaToken]
        let paths: [[String]] = [
            ["prompt", "-m", "anthropic/key-error-type", "hi"],     // an error event echoing the key → hop to ollama, which echoes its token
            ["prompt", "-m", "anthropic/fail-400", "hi"],           // an error body echoing the key
            ["prompt", "-m", "anthropic/key-echo", "--json", "hi"], // the key as the model id and in split text
            ["prompt", "-m", "ollama/fail-401", "hi"],              // a 401 echoing the token
            ["prompt", "-m", "ollama/echo-token-escaped-tool", "--json", "hi"],
            ["chat", "-m", "ollama/echo-token"],
            ["logs", "--json"], ["providers", "list", "--json"],
        ]
        var ran = 0
        for arguments in paths {
            let outcome = try KaiProcess.run(
                arguments + ["--config", config, "--no-bundled-plugins"], stdin: "hi\n", environment: environment)
            for secret in [Self.anthropicKey, Self.ollamaToken] {
                #expect(!outcome.stdout.contains(secret) && !outcome.stderr.contains(secret), "\(arguments): \(outcome.stdout) \(outcome.stderr)")
            }
            ran += 1
        }
        #expect(ran == paths.count)
        // The hop was taken and recorded, so the route column was written.
        let logs = try KaiProcess.run(["logs", "--json", "--config", config, "--no-bundled-plugins"], environment: environment)
        let rows = try #require(try JSONParser.parse(logs.stdout).arrayValue)
        let hops = rows.compactMap { $0["route"]?.arrayValue }.flatMap { $0 }
        #expect(hops.contains { $0["target"]?.stringValue == "anthropic/key-error-type" }, "\(logs.stdout)")
        var files = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasPrefix("registry.sqlite") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            for secret in [Self.anthropicKey, Self.ollamaToken] {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds \(secret.prefix(12))…")
            }
            files += 1
        }
        #expect(files >= 1)
    }
}
