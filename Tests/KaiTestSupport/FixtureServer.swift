import Foundation
import KaiJSON

/// A Python test server from Tests/Fixtures on 127.0.0.1, with a port of the
/// kernel's choosing: started, its "port N" line read (no sleeping), and
/// killed when the test is done with it. The scripted OpenAI server and the
/// transcript server both speak this start-up protocol, print "hanging" when
/// they hang on a request, and answer GET /_kai/last.
public class FixtureServer: @unchecked Sendable {
    // @unchecked: set once in init, only killed in deinit.
    public let port: Int
    private let process: Process
    private let stdout: FileHandle

    /// `script`: a file in Tests/Fixtures; `name`: what the error calls it.
    init(script: String, arguments: [String] = [], name: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.repositoryRoot + "/Tests/Fixtures/" + script] + arguments
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
            throw FixtureError(message: "the \(name) did not print its port (got \"\(line)\")")
        }
        self.port = port
    }

    deinit {
        // SIGKILL: a test runner may leave SIGTERM ignored in its children.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Blocks until the server says it is hanging on a request (model "hang").
    public func waitUntilHanging() {
        while true {
            let line = Self.readLine(stdout)
            if line == "hanging" || line.isEmpty { return }
        }
    }

    /// The last request the server received, as it recorded it (headers and body).
    public func lastRequest() throws -> JSONValue {
        // curl(1): Foundation on Linux reads no http URLs without FoundationNetworking.
        let outcome = try Subprocess.run("/usr/bin/env", ["curl", "-sS", "http://127.0.0.1:\(port)/_kai/last"])
        return try JSONParser.parse(outcome.stdout)
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
