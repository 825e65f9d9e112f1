/// Tests/Fixtures/transcript_server.py replaying one directory of
/// Tests/Fixtures/transcripts/ byte for byte, faults injected by model name.
/// Its GET /_kai/last answers {"method", "path", "headers", "body"}.
public final class TranscriptServer: FixtureServer, @unchecked Sendable {
    /// `transcripts`: the directory under Tests/Fixtures/transcripts, e.g.
    /// "anthropic"; `streamDefault`: whether a request without "stream"
    /// streams (Ollama's /api/chat) or not (Anthropic).
    public init(transcripts: String, streamDefault: Bool = false) throws {
        try super.init(
            script: "transcript_server.py",
            arguments: [Fixtures.repositoryRoot + "/Tests/Fixtures/transcripts/" + transcripts,
                        "--stream-default", streamDefault ? "yes" : "no"],
            name: "transcript server")
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }
}
