import Glibc

/// How a worker process ended, decoded from its wait status by hand
/// (WIFEXITED and friends are macros Swift does not import).
public enum WorkerExit: Sendable, Equatable, CustomStringConvertible {
    case exited(status: Int32)
    case signaled(Int32)

    package init(waitStatus status: Int32) {
        let signal = status & 0x7f
        self = signal == 0 ? .exited(status: (status >> 8) & 0xff) : .signaled(signal)
    }

    /// "exited with status 3", "was killed by SIGSEGV (segmentation fault)".
    public var description: String {
        switch self {
        case .exited(let status): "exited with status \(status)"
        case .signaled(let signal): "was killed by \(Self.describe(signal: signal))"
        }
    }

    /// "SIGSEGV (segmentation fault)"; "signal 42" for one without a name here.
    public static func describe(signal: Int32) -> String {
        guard let (name, meaning) = names[signal] else { return "signal \(signal)" }
        return "\(name) (\(meaning))"
    }

    public static func name(signal: Int32) -> String {
        names[signal]?.0 ?? "signal \(signal)"
    }

    private static let names: [Int32: (String, String)] = [
        SIGHUP: ("SIGHUP", "hangup"), SIGINT: ("SIGINT", "interrupt"), SIGQUIT: ("SIGQUIT", "quit"),
        SIGILL: ("SIGILL", "illegal instruction"), SIGTRAP: ("SIGTRAP", "trap"), SIGABRT: ("SIGABRT", "abort"),
        SIGBUS: ("SIGBUS", "bus error"), SIGFPE: ("SIGFPE", "arithmetic exception"), SIGKILL: ("SIGKILL", "killed"),
        SIGSEGV: ("SIGSEGV", "segmentation fault"), SIGPIPE: ("SIGPIPE", "broken pipe"), SIGALRM: ("SIGALRM", "alarm"),
        SIGTERM: ("SIGTERM", "terminated"), SIGXCPU: ("SIGXCPU", "CPU time limit exceeded"),
        SIGXFSZ: ("SIGXFSZ", "file size limit exceeded"), SIGSYS: ("SIGSYS", "bad system call"),
    ]
}
