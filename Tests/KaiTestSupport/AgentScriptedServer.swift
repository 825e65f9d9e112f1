import KaiJSON

/// Tests/Fixtures/agent_scripted_server.py: a deterministic multi-turn
/// OpenAI-compatible server for agent runs. The request's model names a
/// scenario ("calc", "parallel", "repeat", "plan", ...; the script's
/// docstring lists them with their exact replies); the reply depends on the
/// conversation so far. Shared by the agent, runtime and CLI tests.
public final class AgentScriptedServer: FixtureServer, @unchecked Sendable {
    public init() throws {
        try super.init(script: "agent_scripted_server.py", name: "agent scripted server")
    }

    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Every chat request body the server received, in order.
    public func requests() throws -> [JSONValue] {
        let outcome = try Subprocess.run("/usr/bin/env", ["curl", "-sS", "http://127.0.0.1:\(port)/_kai/requests"])
        return try JSONParser.parse(outcome.stdout).arrayValue ?? []
    }
}
