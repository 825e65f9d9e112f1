import Foundation
import KaiJSON
import KaiTestSupport

/// A scratch directory for `kai run` end-to-end tests: the agent scripted
/// server (Tests/Fixtures/agent_scripted_server.py), an operator config
/// loading copies of the openai provider (endpoint `s` on that server, so
/// `-m openai/s:SCENARIO` picks the script), the utils tools and the
/// bundled agents, plus whatever a test adds (an approvals policy, more
/// plugins), and a registry of its own. Copies: --no-bundled-plugins leaves
/// out every plugin in the build directory, and the tests want exactly these.
struct RunWorkspace {
    let directory: String
    let config: String
    let server: AgentScriptedServer

    /// `extra`: YAML appended to the config (an `approvals:` section);
    /// `plugins`: more plugin entries, as YAML list items; `priced`: the
    /// endpoint charges $1000 per million tokens (so each scripted answer,
    /// 10 + 5 tokens, costs $0.015).
    init(_ name: String, extra: String = "", plugins: String = "", priced: Bool = false) throws {
        directory = Fixtures.scratch + "/run-\(name)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        server = try AgentScriptedServer()
        config = directory + "/kai.yaml"
        for plugin in ["OpenAI", "Utils", "Agents"] {
            try FileManager.default.copyItem(
                atPath: Fixtures.buildDirectory + "/libKaiPlugin\(plugin).so", toPath: directory + "/libKaiPlugin\(plugin).so")
        }
        let price = priced ? ", price_input_per_1m: 1000, price_output_per_1m: 1000" : ""
        try """
            database: \(directory)/registry.sqlite
            plugins:
              - path: \(directory)/libKaiPluginOpenAI.so
                config:
                  endpoints:
                    - { name: s, base_url: "\(server.baseURL)"\(price) }
              - path: \(directory)/libKaiPluginUtils.so
              - path: \(directory)/libKaiPluginAgents.so
            \(plugins)
            \(extra)
            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    var options: [String] { ["--config", config, "--no-bundled-plugins"] }

    func kai(_ arguments: [String]) throws -> KaiProcess.Outcome {
        try KaiProcess.run(arguments + options, environment: ["HOME": directory])
    }

    /// `kai run TASK -m openai/s:SCENARIO ARGS...`.
    func run(_ scenario: String, _ task: String = "What is 6 * 7?", _ arguments: [String] = []) throws -> KaiProcess.Outcome {
        try kai(["run", task, "-m", "openai/s:" + scenario] + arguments)
    }

    /// kai in a pseudo-terminal (Tests/Fixtures/pty_session.py): each answer
    /// is typed once its expected text appeared. stdout and stderr come back
    /// together, in `stdout`.
    func kaiOnATerminal(_ arguments: [String], answers: [(expect: String, send: String)]) throws -> Subprocess.Outcome {
        let script = JSONValue.array(answers.map { [.string($0.expect), .string($0.send)] }).serialized()
        return try Subprocess.run(
            "/usr/bin/env", ["python3", Fixtures.repositoryRoot + "/Tests/Fixtures/pty_session.py", script, "--", KaiProcess.executable]
                + arguments + options,
            environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "TERM": "dumb"])
    }

    /// The session id kai run named on its first line ("session sXXXXXXXXXX · agent NAME").
    static func sessionID(_ output: String) -> String? {
        guard let range = output.range(of: #"session (s[0-9a-f]{10}) · agent"#, options: .regularExpression) else { return nil }
        return String(output[range].dropFirst("session ".count).prefix(11))
    }

    /// The JSON documents of `kai ... --json` output lines.
    static func jsonLines(_ text: String) throws -> [JSONValue] {
        try text.split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }
}
