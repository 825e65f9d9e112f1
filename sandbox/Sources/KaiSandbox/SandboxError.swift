/// Why a sandbox run produced no report. A program that fails, times out or
/// is killed is not an error: that is a report with its status.
public enum SandboxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The launcher executable is not at `path`.
    case launcherMissing(path: String)
    /// The launcher could not be started (posix_spawn failed with errno).
    case spawnFailed(path: String, errno: Int32)
    /// The launcher ended without a report: usage error (exit 2), could not
    /// write a report (exit 3), or killed by a signal.
    case launcherFailed(exitStatus: Int32?, signal: Int32?, stderr: String)
    /// The launcher printed something that is not a report.
    case reportNotJSON(detail: String, stdout: String)
    /// A system call in the client itself failed (pipe, poll, read).
    case system(call: String, errno: Int32)
    /// A fork server (SandboxForkServer) died or could not fork.
    case forkServerFailed(reason: String)
    /// `runSource`: no language in the table for this file's extension.
    case unsupportedSource(path: String, known: [String])
    case sourceUnreadable(path: String)
    /// `runSource`: a compile step succeeded but its output could not be collected.
    case compileOutputUnusable(name: String, reason: String)

    public var description: String {
        switch self {
        case .launcherMissing(let path):
            return "kai-sandbox launcher not found at \(path); build it with `swift build --product kai-sandbox` "
                + "(it is looked for next to the running executable) or pass its path to Sandbox(launcherPath:)"
        case .spawnFailed(let path, let errno):
            return "cannot start the kai-sandbox launcher at \(path): errno \(errno)"
        case .launcherFailed(let status, let signal, let stderr):
            let how = signal.map { "was killed by signal \($0)" } ?? "exited with status \(status ?? -1)"
            return "the kai-sandbox launcher \(how) without a report: \(stderr.isEmpty ? "(no message)" : stderr)"
        case .reportNotJSON(let detail, _):
            return "the kai-sandbox launcher's report is not valid JSON: \(detail)"
        case .system(let call, let errno):
            return "\(call) failed with errno \(errno) while running the sandbox"
        case .forkServerFailed(let reason):
            return "the sandbox fork server failed: \(reason)"
        case .unsupportedSource(let path, let known):
            return "no language for \"\(path)\": expected one of the extensions \(known.map { "." + $0 }.joined(separator: ", ")); "
                + "fix: add it to the language table in the config"
        case .sourceUnreadable(let path):
            return "cannot read the source file \"\(path)\""
        case .compileOutputUnusable(let name, let reason):
            return "the compile step's output \"\(name)\" could not be collected (\(reason))"
        }
    }
}
