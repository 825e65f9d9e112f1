import Foundation

/// How the host reads the manifest of a plugin file the scan cache does
/// not know (a new or changed file).
public enum PluginScanning: Sendable {
    /// dlopen, entry and describe() in the host process.
    case inProcess
    /// In `kai-plugin-worker --scan`, each file with `timeout` seconds to
    /// answer; a crash or hang fails that file only.
    case helper(executable: String, timeout: Double)
    /// `helper` with the default worker executable and a 5 s deadline when
    /// there is a scan cache (its outcomes are kept, so the helper runs
    /// once per new file) and the executable exists; else `inProcess` —
    /// except for files configured for isolation: process or sandbox, which
    /// are always scanned in a helper, sandboxed for sandbox (see
    /// `sandboxHelper`).
    case automatic

    public static let defaultTimeout = 5.0

    /// The helper that scans files configured for isolation: process or
    /// sandbox: with
    /// `automatic`, the default executable even when it is missing (the
    /// files then fail to scan, saying why). Nil only for `inProcess`, an
    /// explicit choice (tests of benign fixtures).
    func sandboxHelper() -> (executable: String, timeout: Double)? {
        switch self {
        case .inProcess: nil
        case .helper(let executable, let timeout): (executable, timeout)
        case .automatic: (WorkerPolicy().resolvedExecutable, Self.defaultTimeout)
        }
    }

    func helper(hasCache: Bool) -> (executable: String, timeout: Double)? {
        switch self {
        case .inProcess:
            return nil
        case .helper(let executable, let timeout):
            return (executable, timeout)
        case .automatic:
            let executable = WorkerPolicy().resolvedExecutable
            guard hasCache, access(executable, X_OK) == 0 else { return nil }
            return (executable, Self.defaultTimeout)
        }
    }
}
