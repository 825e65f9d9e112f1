import Foundation
import KaiJSON

/// Tests/Fixtures/openai_scripted_server.py on 127.0.0.1 with a port of the
/// kernel's choosing: started, its "port N" line read (no sleeping), and
/// killed when the test is done with it. Shared by the provider, runtime
/// and CLI tests.
public final class ScriptedOpenAIServer: @unchecked Sendable {
    // @unchecked: set once in init, only killed in deinit.
    public let port: Int
    private let process: Process
    private let stdout: FileHandle

    public init() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.repositoryRoot + "/Tests/Fixtures/openai_scripted_server.py"]
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
            throw FixtureError(message: "the scripted server did not print its port (got \"\(line)\")")
        }
        self.port = port
    }

    deinit {
        // SIGKILL: a test runner may leave SIGTERM ignored in its children.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// The last chat request the server received: {"headers": {...}, "body": {...}}.
    public func lastRequest() throws -> JSONValue {
        // curl(1): Foundation on Linux reads no http URLs without FoundationNetworking.
        let outcome = try Subprocess.run("/usr/bin/env", ["curl", "-sS", "http://127.0.0.1:\(port)/_kai/last"])
        return try JSONParser.parse(outcome.stdout)
    }

    /// Blocks until the server says it is hanging on a request.
    public func waitUntilHanging() {
        while true {
            let line = Self.readLine(stdout)
            if line == "hanging" || line.isEmpty { return }
        }
    }

    /// One line of a child's output, without its newline ("" at end of file).
    public static func readLine(_ handle: FileHandle) -> String {
        var bytes: [UInt8] = []
        while true {
            let byte = handle.readData(ofLength: 1)
            guard let first = byte.first, first != UInt8(ascii: "\n") else { break }
            bytes.append(first)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
