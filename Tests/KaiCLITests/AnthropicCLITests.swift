import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai prompt -m anthropic/...` end to end: the real binary, the real
/// anthropic plugin and the transcript server replaying Anthropic's
/// documented examples; the key comes from the environment via secrets.
@Suite struct AnthropicCLITests {
    static let key = "sk-ant-cli-test-0123456789"
    let server: TranscriptServer
    let config: String

    init() throws {
        server = try TranscriptServer(transcripts: "anthropic")
        let directory = Fixtures.scratch + "/anthropic-cli-\(server.port)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        config = directory + "/kai.yaml"
        // A copy: --no-bundled-plugins leaves out the build directory's own plugins.
        let plugin = directory + "/libKaiPluginAnthropic.so"
        try FileManager.default.copyItem(atPath: Fixtures.buildDirectory + "/libKaiPluginAnthropic.so", toPath: plugin)
        try """
            database: \(directory)/registry.sqlite
            plugins:
              - path: \(plugin)
                config:
                  endpoints:
                    - name: replay
                      base_url: \(server.baseURL)
                      api_key_secret: anthropic_key
                secrets: { anthropic_key: KAI_TEST_ANTHROPIC_KEY }
            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    func kai(_ arguments: [String]) throws -> KaiProcess.Outcome {
        try KaiProcess.run(arguments + ["--config", config, "--no-bundled-plugins"], environment: ["KAI_TEST_ANTHROPIC_KEY": Self.key])
    }

    @Test func prompt_printsTheStreamedAnswer_andSendsTheKeyAsXAPIKey() throws {
        let outcome = try kai(["prompt", "-m", "anthropic/text", "hi"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "Hello!\n")
        let sent = try server.lastRequest()
        #expect(sent["headers"]?["x-api-key"]?.stringValue == Self.key)
        #expect(sent["body"]?["model"]?.stringValue == "text")
    }

    @Test func prompt_whenTheServerIsOverloaded_saysSoNamingTheURL() throws {
        let outcome = try kai(["prompt", "-m", "anthropic/fail-529", "hi"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr == "kai: error: provider \"dev.kai.anthropic.anthropic\" failed (UNAVAILABLE): endpoint replay (\(server.baseURL)/v1/messages) failed: HTTP 529: Overloaded\n")
        #expect(!outcome.stderr.contains(Self.key))
    }
}
