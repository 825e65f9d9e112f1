/// Tests/Fixtures/openai_scripted_server.py: the request's model picks a
/// script (a quirk some real server has, or a fault). Shared by the
/// provider, runtime and CLI tests.
public final class ScriptedOpenAIServer: FixtureServer, @unchecked Sendable {
    public init() throws {
        try super.init(script: "openai_scripted_server.py", name: "scripted server")
    }

    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }
}
