import Foundation

/// Tests/Fixtures/openai_scripted_server.py on a port of the kernel's
/// choosing (its "port N" line read, no sleeping), killed when done.
public final class ScriptedOpenAIServer: @unchecked Sendable {
    // @unchecked: set once in init, only killed in deinit.
    public let port: Int
    private let process: Process

    public init() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.repositoryRoot + "/Tests/Fixtures/openai_scripted_server.py"]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = Pipe()  // the server exits when this closes
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        var line: [UInt8] = []
        while let byte = output.fileHandleForReading.readData(ofLength: 1).first, byte != UInt8(ascii: "\n") { line.append(byte) }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("port "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw FixtureError(message: "the scripted server did not print its port (got \"\(text)\")")
        }
        self.port = port
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }
}

