#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One fact about what this machine gives the sandbox, as the launcher
/// found it by trying (`kai-sandbox --probe`, sandbox/CONTRACT.md "Probe").
public struct SandboxFinding: Sendable, Equatable, Decodable {
    /// e.g. "user_namespace", "seccomp", "cgroup_memory".
    public let id: String
    public let ok: Bool
    /// `--require-isolation` (and so `kai eval` by default) refuses to run without it.
    public let required: Bool
    /// What was found (machine text: print it made visible).
    public let detail: String
    /// How to get it; non-nil whenever `ok` is false.
    public let fix: String?

    public init(id: String, ok: Bool, required: Bool, detail: String, fix: String?) {
        self.id = id
        self.ok = ok
        self.required = required
        self.detail = detail
        self.fix = fix
    }
}

/// Everything `kai-sandbox --probe` reports about this machine.
public struct SandboxFindings: Sendable, Equatable, Decodable {
    /// `uname -r`.
    public let kernel: String
    /// The launcher's effective uid (as the caller's: it runs unprivileged or as root with it).
    public let euid: UInt32
    /// Where runs' cgroups are made; nil when none.
    public let cgroupBase: String?
    /// In the contract's order.
    public let findings: [SandboxFinding]

    enum CodingKeys: String, CodingKey {
        case kernel, euid, findings
        case cgroupBase = "cgroup_base"
    }

    public subscript(id: String) -> SandboxFinding? { findings.first { $0.id == id } }

    /// Every finding id the contract promises, in its order, and whether
    /// it is required (sandbox/CONTRACT.md, "Probe").
    public static let contractIDs: [(id: String, required: Bool)] = [
        ("user_namespace", true), ("pid_namespace", true), ("net_namespace", true), ("mount_namespace", true),
        ("ipc_namespace", false), ("uts_namespace", false), ("cgroup_namespace", false), ("user_namespace_limits", false),
        ("no_new_privs", false), ("seccomp", true), ("private_uid", false), ("cgroup", false), ("cgroup_memory", true),
        ("cgroup_swap", false), ("cgroup_pids", true), ("cgroup_cpu", true), ("cgroup_cpu_max", false),
        ("cgroup_oom_group", false), ("cgroup_hugetlb", false), ("cgroup_kill", false),
    ]

    /// The contract's ids this launcher did not report (an older or newer
    /// kai-sandbox than kai), with whether each is required.
    public var unreported: [(id: String, required: Bool)] {
        Self.contractIDs.filter { expected in !findings.contains { $0.id == expected.id } }
    }

    /// The required findings that are not ok (empty: full isolation).
    public var missingRequired: [SandboxFinding] {
        findings.filter { finding in
            !finding.ok && (Self.contractIDs.first { $0.id == finding.id }?.required ?? finding.required)
        }
    }

    /// Decodes the launcher's `--probe` output. Fails when it is not JSON,
    /// lacks a field, or a finding that is not ok comes without its fix.
    public static func decode(_ bytes: [UInt8]) throws(SandboxProbeError) -> SandboxFindings {
        let decoded: SandboxFindings
        do {
            decoded = try JSONDecoder().decode(SandboxFindings.self, from: Data(bytes))
        } catch {
            throw .notFindings(detail: String(describing: error), stdout: String(decoding: bytes.prefix(2000), as: UTF8.self))
        }
        if let bare = decoded.findings.first(where: { !$0.ok && $0.fix == nil }) {
            throw .notFindings(detail: "finding \"\(bare.id)\" is missing but has no fix",
                               stdout: String(decoding: bytes.prefix(2000), as: UTF8.self))
        }
        return decoded
    }
}

extension Sandbox {
    /// What this machine gives the sandbox: runs the launcher with
    /// `--probe`, which tries each namespace, seccomp, the uid mapping and
    /// one run's cgroup for real, and runs nothing else.
    public func probe() throws(SandboxProbeError) -> SandboxFindings {
        guard access(launcherPath, X_OK) == 0 else { throw .launcher(.launcherMissing(path: launcherPath)) }
        let outcome: LauncherProcess.Outcome
        do {
            outcome = try LauncherProcess.run(path: launcherPath, arguments: ["--probe"])
        } catch {
            throw .launcher(error)
        }
        guard outcome.exitStatus == 0 else {
            throw .launcher(.launcherFailed(exitStatus: outcome.exitStatus, signal: outcome.signal,
                                            stderr: String(decoding: outcome.stderr, as: UTF8.self)))
        }
        return try SandboxFindings.decode(outcome.stdout)
    }
}
