import Foundation
import KaiJSON

/// Tests/Fixtures/transcript_server.py replaying one directory of
/// Tests/Fixtures/transcripts/: started, its "port N" line read (no
/// sleeping), and killed when the test is done with it.
public final class TranscriptServer: @unchecked Sendable {
    // @unchecked: the process handle is set once in init and only
    // terminated in deinit.
    public let port: Int
    private let process: Process
    private let stdout: FileHandle

    /// `transcripts`: the directory under Tests/Fixtures/transcripts, e.g.
    /// "anthropic"; `streamDefault`: whether a request without "stream"
    /// streams (Ollama's /api/chat) or not (Anthropic).
    public init(transcripts: String, streamDefault: Bool = false) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.repositoryRoot + "/Tests/Fixtures/transcript_server.py",
                             Fixtures.repositoryRoot + "/Tests/Fixtures/transcripts/" + transcripts,
                             "--stream-default", streamDefault ? "yes" : "no"]
        let output = Pipe()
        process.standardOutput = output
        // Held open by this process only: the server exits when it closes.
        process.standardInput = Pipe()
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        stdout = output.fileHandleForReading
        let line = Self.readLine(stdout)
        guard line.hasPrefix("port "), let port = Int(line.dropFirst(5)) else {
            process.terminate()
            throw FixtureError(message: "the transcript server did not print its port (got \"\(line)\")")
        }
        self.port = port
    }

    deinit {
        // SIGKILL: a test runner may leave SIGTERM ignored in its children.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Blocks until the server says it is hanging on a request (model "hang").
    public func waitUntilHanging() {
        while true {
            let line = Self.readLine(stdout)
            if line == "hanging" || line.isEmpty { return }
        }
    }

    /// The last request the server received: {"method", "path", "headers", "body"}.
    public func lastRequest() throws -> JSONValue {
        // curl(1): Foundation on Linux reads no http URLs without FoundationNetworking.
        let outcome = try Subprocess.run("/usr/bin/env", ["curl", "-sS", "http://127.0.0.1:\(port)/_kai/last"])
        return try JSONParser.parse(outcome.stdout)
    }

    private static func readLine(_ handle: FileHandle) -> String {
        var bytes: [UInt8] = []
        while true {
            let byte = handle.readData(ofLength: 1)
            guard let first = byte.first, first != UInt8(ascii: "\n") else { break }
            bytes.append(first)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
