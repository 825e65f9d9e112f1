import Foundation
import KaiJSON
import KaiTestSupport

/// Tests/Fixtures/ollama_transcript_server.py, replaying the committed
/// Ollama transcripts on 127.0.0.1 with a port of the kernel's choosing:
/// started, its "port N" line read (no sleeping), killed when the test is
/// done with it.
final class OllamaServer: @unchecked Sendable {
    // @unchecked: the process handle is set once in init and only
    // terminated in deinit.
    let port: Int
    private let process: Process
    private let stdout: FileHandle

    init() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.repositoryRoot + "/Tests/Fixtures/ollama_transcript_server.py"]
        let output = Pipe()
        process.standardOutput = output
        // Held open by this process only: the server exits when it closes.
        process.standardInput = Pipe()
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        stdout = output.fileHandleForReading
        let line = ScriptedServer.readLine(stdout)
        guard line.hasPrefix("port "), let port = Int(line.dropFirst(5)) else {
            process.terminate()
            throw FixtureError(message: "the Ollama transcript server did not print its port (got \"\(line)\")")
        }
        self.port = port
    }

    deinit {
        // SIGKILL: a test runner may leave SIGTERM ignored in its children.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var chatURL: String { baseURL + "/api/chat" }

    /// Blocks until the server says it is hanging on a request ("hang").
    func waitUntilHanging() {
        while true {
            let line = ScriptedServer.readLine(stdout)
            if line == "hanging" || line.isEmpty { return }
        }
    }

    /// The last chat request the server received: {"headers": {...}, "body": {...}}.
    func lastRequest() throws -> JSONValue {
        // curl(1): Foundation on Linux reads no http URLs without FoundationNetworking.
        let outcome = try Subprocess.run("/usr/bin/env", ["curl", "-sS", "http://127.0.0.1:\(port)/_kai/last"])
        return try JSONParser.parse(outcome.stdout)
    }
}
