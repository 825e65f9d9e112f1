import Foundation

extension KaiProcess {
    /// Starts kai as a shell does: SIGINT unblocked, at its default action.
    /// A process started by `start` inherits the signal mask of the test's
    /// thread, which may block SIGINT — and then Ctrl-C never reaches any of
    /// kai's threads, only its signalfd. coreutils' `env --default-signal`
    /// unblocks it, then execs kai (same pid, so `kill` reaches kai).
    public static func startAsFromAShell(_ arguments: [String], stdin: String? = nil) throws -> Running {
        try start("/usr/bin/env", ["--default-signal=INT", executable] + arguments, stdin: stdin)
    }
}
