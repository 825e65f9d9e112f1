import Foundation

/// Where a plugin's code runs.
public enum PluginIsolation: String, Sendable, CaseIterable {
    /// Inside the host process: fastest, but a crash takes the host down.
    case inprocess
    /// In a supervised kai-plugin-worker process serving the same .so over
    /// pipes: a crash, exit or hang fails one call and the host carries on.
    case process
    /// As `process`, with the worker in user, pid, mount, IPC, UTS and
    /// network namespaces of its own: uid and gid 65534 (an otherwise unused
    /// host uid when kai runs as root), no capabilities, its own /proc, a
    /// root file system of its own (read-only system directories, a minimal
    /// /etc, the plugin's own directory; nothing of /home, /root, /run, /var
    /// or the host's /tmp) with scratch space in a private /tmp (TMPDIR),
    /// and no network unless the manifest says `"network": true`. Its
    /// manifest is read in the same sandbox. The plugin file must be
    /// readable by others.
    case sandbox
}

/// Limits and supervision rules for a plugin's worker process.
public struct WorkerPolicy: Sendable, Equatable {
    /// Run the worker in namespaces of its own (isolation: sandbox), and
    /// whether its network namespace is the host's (the manifest asked).
    public var sandboxed = false
    public var network = false
    /// The kai-plugin-worker executable; nil means KAI_PLUGIN_WORKER, else
    /// the one next to the running executable.
    public var executable: String?
    /// RLIMIT_AS of the worker in bytes; 0 means unlimited.
    public var addressSpaceBytes: UInt64
    /// RLIMIT_NOFILE of the worker; 0 means inherited.
    public var maxOpenFiles: UInt64
    /// This many worker failures within `failureWindow` disable the plugin.
    public var maxFailures: Int
    /// Seconds.
    public var failureWindow: Double
    /// Seconds a call may overrun its deadline (or a cancellation) before
    /// its worker is killed with SIGKILL.
    public var killGrace: Double
    /// Seconds a worker may take to start and create its instance.
    public var startTimeout: Double
    /// Restart delays after consecutive failures: none after the first,
    /// then `backoffBase` doubling up to `backoffCap` (seconds).
    public var backoffBase: Double
    public var backoffCap: Double

    public init(
        executable: String? = nil, addressSpaceBytes: UInt64 = 4 << 30, maxOpenFiles: UInt64 = 1024,
        maxFailures: Int = 5, failureWindow: Double = 60, killGrace: Double = 0.25, startTimeout: Double = 10,
        backoffBase: Double = 0.1, backoffCap: Double = 5
    ) {
        self.executable = executable
        self.addressSpaceBytes = addressSpaceBytes
        self.maxOpenFiles = maxOpenFiles
        self.maxFailures = maxFailures
        self.failureWindow = failureWindow
        self.killGrace = killGrace
        self.startTimeout = startTimeout
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
    }

    /// The worker executable to start: `executable`, KAI_PLUGIN_WORKER, or
    /// kai-plugin-worker beside the running executable.
    public var resolvedExecutable: String {
        if let executable { return executable }
        if let fromEnvironment = ProcessInfo.processInfo.environment["KAI_PLUGIN_WORKER"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return (SearchPathCatalog.executableDirectory() ?? ".") + "/kai-plugin-worker"
    }

    /// The delay before restart number `consecutive` (1 = after one failure).
    func backoff(afterConsecutiveFailures consecutive: Int) -> Double {
        guard consecutive > 1 else { return 0 }
        return min(backoffBase * pow(2, Double(consecutive - 2)), backoffCap)
    }
}
