import Foundation

extension KaiProcess {
    /// Starts kai as a shell does: SIGINT unblocked, at its default action.
    /// A process started by `start` inherits the signal mask of the test's
    /// thread, which may block SIGINT — and then Ctrl-C never reaches any of
    /// kai's threads, only its signalfd. coreutils' `env --default-signal`
    /// unblocks it, then execs kai (same pid, so `kill` reaches kai).
    public static func startAsFromAShell(_ arguments: [String], stdin: String? = nil) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal=INT", executable] + arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": home]
        let output = Pipe(), errors = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        return Running(process: process, output: output, errors: errors)
    }
}
