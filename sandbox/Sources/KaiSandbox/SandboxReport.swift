/// The launcher's JSON report, field for field (sandbox/CONTRACT.md).
public struct SandboxReport: Codable, Sendable, Equatable {
    /// Raw values are the contract's; precedence when several apply is
    /// sandbox_error > memory_limit > cpu_time_limit > wall_time_limit >
    /// output_limit > signaled > exited_nonzero > ok.
    public enum Status: String, Codable, Sendable {
        case ok
        case exitedNonzero = "exited_nonzero"
        case signaled
        case cpuTimeLimit = "cpu_time_limit"
        case wallTimeLimit = "wall_time_limit"
        case memoryLimit = "memory_limit"
        case outputLimit = "output_limit"
        case sandboxError = "sandbox_error"
    }

    public struct CollectedFile: Codable, Sendable, Equatable {
        public var path: String
        public var size: Int?
        public var content: String?
        /// The exact bytes when they are not valid UTF-8.
        public var contentBase64: String?
        public var truncated: Bool
        /// "missing", "symlink", "not a regular file" or "unreadable".
        public var skipped: String?

        enum CodingKeys: String, CodingKey {
            case path, size, content, truncated, skipped
            case contentBase64 = "content_base64"
        }
    }

    /// Which protections were actually in force on this machine.
    public struct Protections: Codable, Sendable, Equatable {
        public var userNamespace, pidNamespace, netNamespace, mountNamespace: Bool
        public var ipcNamespace, utsNamespace, cgroupNamespace: Bool
        public var noNewPrivs, seccomp, rlimits, readonlyRoot: Bool
        /// "v1", "v2" or "none".
        public var cgroup: String
        public var cgroupMemory, cgroupPids, cgroupCPU: Bool
        /// Swap counted in the memory limit; --cpus enforced (v2 cpu.max); an
        /// OOM kill takes the whole tree (v2); no huge pages (v2 hugetlb);
        /// the tree killed at once (v2 cgroup.kill).
        public var cgroupSwap, cgroupCPUMax, cgroupOOMGroup, cgroupHugetlb, cgroupKill: Bool
        /// "none" or "loopback".
        public var network: String
        public var uid: Int

        enum CodingKeys: String, CodingKey {
            case seccomp, rlimits, cgroup, network, uid
            case userNamespace = "user_namespace", pidNamespace = "pid_namespace", netNamespace = "net_namespace"
            case mountNamespace = "mount_namespace", ipcNamespace = "ipc_namespace", utsNamespace = "uts_namespace"
            case cgroupNamespace = "cgroup_namespace", noNewPrivs = "no_new_privs", readonlyRoot = "readonly_root"
            case cgroupMemory = "cgroup_memory", cgroupPids = "cgroup_pids", cgroupCPU = "cgroup_cpu"
            case cgroupSwap = "cgroup_swap", cgroupCPUMax = "cgroup_cpu_max", cgroupOOMGroup = "cgroup_oom_group"
            case cgroupHugetlb = "cgroup_hugetlb", cgroupKill = "cgroup_kill"
        }
    }

    public struct Limits: Codable, Sendable, Equatable {
        public var timeLimitMs, cpuLimitMs, memoryMB, pids, outputLimitKB, cpus: Int

        enum CodingKeys: String, CodingKey {
            case pids, cpus
            case timeLimitMs = "time_limit_ms", cpuLimitMs = "cpu_limit_ms", memoryMB = "memory_mb"
            case outputLimitKB = "output_limit_kb"
        }
    }

    public var status: Status
    /// Set only when the program exited; never folded together with `signal`.
    public var exitCode: Int?
    public var signal: Int?
    public var signalName: String?
    public var cpuTimeMs: Double
    public var wallTimeMs: Double
    public var peakMemoryKB: Int?
    public var stdout: String
    public var stdoutTruncated: Bool
    public var stdoutBase64: String?
    public var stderr: String
    public var stderrTruncated: Bool
    public var stderrBase64: String?
    /// The syscall the seccomp policy killed the program for, e.g. "ptrace".
    public var seccompDeniedSyscall: String?
    public var pidsLimitHit: Bool
    public var files: [CollectedFile]
    public var protections: Protections
    public var limits: Limits
    /// Protections that degraded and why.
    public var warnings: [String]
    public var error: String?
    /// The report exactly as the launcher printed it.
    public var rawJSON: String = ""

    enum CodingKeys: String, CodingKey {
        case status, signal, stdout, stderr, files, protections, limits, warnings, error
        case exitCode = "exit_code", signalName = "signal_name", cpuTimeMs = "cpu_time_ms"
        case wallTimeMs = "wall_time_ms", peakMemoryKB = "peak_memory_kb"
        case stdoutTruncated = "stdout_truncated", stdoutBase64 = "stdout_base64"
        case stderrTruncated = "stderr_truncated", stderrBase64 = "stderr_base64"
        case seccompDeniedSyscall = "seccomp_denied_syscall", pidsLimitHit = "pids_limit_hit"
    }
}
