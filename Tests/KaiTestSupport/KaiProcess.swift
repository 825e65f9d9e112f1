import Foundation

/// Runs the real `kai` executable that `swift build` produced.
public struct KaiProcess {
    public struct Outcome: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    public static var executable: String { Fixtures.buildDirectory + "/kai" }

    /// A HOME of this test process's own, so the default operator config and
    /// registry database kai creates on first use never touch the developer's.
    public static let home: String = {
        let path = Fixtures.scratch + "/home"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Runs kai to completion. `environment` is added to a minimal one so the
    /// developer's own KAI_* variables cannot change the result.
    public static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Outcome {
        let process = try start(arguments, stdin: stdin, environment: environment)
        return process.finish()
    }

    public static func start(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Running {
        try start(executable, arguments, stdin: stdin, environment: environment)
    }

    /// Runs `program` (kai, or a wrapper that execs it) with kai's minimal environment.
    static func start(
        _ program: String, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]
    ) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        var env = ["PATH": "/usr/bin:/bin", "HOME": home]
        env.merge(environment) { $1 }
        process.environment = env
        let output = Pipe(), errors = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        return Running(process: process, output: output, errors: errors)
    }

    public final class Running {
        public let process: Process
        let output: Pipe
        let errors: Pipe

        init(process: Process, output: Pipe, errors: Pipe) {
            self.process = process
            self.output = output
            self.errors = errors
        }

        /// Reads stderr line by line until one contains `text` (or EOF).
        public func waitForStderr(containing text: String) -> Bool {
            var seen = ""
            while true {
                let chunk = errors.fileHandleForReading.availableData
                if chunk.isEmpty { return false }
                seen += String(decoding: chunk, as: UTF8.self)
                if seen.contains(text) { stderrSoFar = seen; return true }
            }
        }

        private var stderrSoFar = ""

        /// Reads stdout until it contains `text` (or EOF); `finish` still
        /// returns all of it.
        public func waitForStdout(containing text: String) -> Bool {
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return false }
                stdoutSoFar += String(decoding: chunk, as: UTF8.self)
                if stdoutSoFar.contains(text) { return true }
            }
        }

        private var stdoutSoFar = ""

        public func finish() -> Outcome {
            let stdout = output.fileHandleForReading.readDataToEndOfFile()
            let stderr = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Outcome(
                status: process.terminationStatus,
                stdout: stdoutSoFar + String(decoding: stdout, as: UTF8.self),
                stderr: stderrSoFar + String(decoding: stderr, as: UTF8.self))
        }
    }
}
