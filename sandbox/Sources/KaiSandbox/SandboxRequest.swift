/// One program to run in a fresh sandbox.
public struct SandboxRequest: Sendable, Equatable {
    /// The program (absolute path inside the sandbox) and its arguments.
    public var command: [String]
    public var limits: SandboxLimits
    /// A host directory whose regular files and directories are copied into
    /// `/work` (symlinks are skipped, never followed).
    public var filesDirectory: String?
    /// A host file that becomes the program's stdin; empty stdin otherwise.
    public var stdinFile: String?
    /// Added to the base environment (PATH, HOME=/work, LANG=C.UTF-8).
    public var environment: [String: String]
    /// Extra read-only binds, absolute host paths mounted at the same place.
    public var binds: [String]
    public var allowLoopback: Bool
    /// Paths relative to `/work` returned in the report after the run.
    public var collect: [String]
    /// Fail with `sandbox_error` instead of running with a protection missing.
    public var requireIsolation: Bool
    /// Switches for degradation tests only.
    public var disableSeccomp: Bool
    public var disableCgroups: Bool

    public init(
        command: [String], limits: SandboxLimits = SandboxLimits(), filesDirectory: String? = nil,
        stdinFile: String? = nil, environment: [String: String] = [:], binds: [String] = [],
        allowLoopback: Bool = false, collect: [String] = [], requireIsolation: Bool = false,
        disableSeccomp: Bool = false, disableCgroups: Bool = false
    ) {
        self.command = command
        self.limits = limits
        self.filesDirectory = filesDirectory
        self.stdinFile = stdinFile
        self.environment = environment
        self.binds = binds
        self.allowLoopback = allowLoopback
        self.collect = collect
        self.requireIsolation = requireIsolation
        self.disableSeccomp = disableSeccomp
        self.disableCgroups = disableCgroups
    }

    /// The launcher's command line after its own path.
    public var launcherArguments: [String] {
        var arguments = limits.arguments
        if let filesDirectory { arguments += ["--files", filesDirectory] }
        if let stdinFile { arguments += ["--stdin", stdinFile] }
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["--env", "\(name)=\(value)"] }
        for path in binds { arguments += ["--bind", path] }
        for path in collect { arguments += ["--collect", path] }
        if allowLoopback { arguments.append("--allow-loopback") }
        if requireIsolation { arguments.append("--require-isolation") }
        if disableSeccomp { arguments.append("--no-seccomp") }
        if disableCgroups { arguments.append("--no-cgroups") }
        return arguments + ["--"] + command
    }
}
