import Foundation
import KaiJSON
import Testing

/// What this machine lets the tests exercise. Kai's sandbox and workers use
/// root, namespaces and cgroups where they exist and degrade (with a report)
/// where they do not; tests that prove a protection can only run where it is
/// in force, and skip elsewhere with a message naming what is missing.
///
/// The sandbox's protections are read from the launcher's own report of one
/// trivial run, so the tests ask the same code the product uses instead of
/// guessing from /sys.
public enum Machine {
    public static let isRoot = geteuid() == 0

    /// The launcher's `protections` object for `/bin/true` (nil when the
    /// launcher could not run at all), and its warnings.
    public static let sandboxProbe: (protections: JSONValue?, warnings: [String]) = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.buildDirectory + "/kai-sandbox")
        process.arguments = ["--time-limit-ms", "5000", "--", "/bin/true"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return (nil, ["the sandbox launcher could not be started"]) }
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let report = try? JSONParser.parse(Array(bytes)) else { return (nil, ["the sandbox launcher wrote no report"]) }
        return (report["protections"], (report["warnings"]?.arrayValue ?? []).compactMap(\.stringValue))
    }()

    /// Why `rustc --version` does not run here (nil when it does): e.g. a
    /// rustup proxy under /root for a suite run unprivileged.
    public static let rustcProblem: String? = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["rustc", "--version"]
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        do { try process.run() } catch { return "\(error)" }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : text.trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    public static func sandboxHas(_ protection: String) -> Bool {
        sandboxProbe.protections?[protection]?.boolValue == true
    }

    /// The cgroup version the sandbox uses here: "v1", "v2" or "none".
    public static var sandboxCgroup: String { sandboxProbe.protections?["cgroup"]?.stringValue ?? "none" }

    /// Whether every protection the sandbox has is in force (what
    /// `--require-isolation`, and so `kai eval` by default, needs).
    public static var sandboxFullyIsolated: Bool {
        ["user_namespace", "pid_namespace", "net_namespace", "mount_namespace", "seccomp", "cgroup_memory", "cgroup_pids", "cgroup_cpu"]
            .allSatisfy(sandboxHas)
    }

    static var sandboxWarnings: String {
        sandboxProbe.warnings.isEmpty ? "" : " (the launcher says: " + sandboxProbe.warnings.joined(separator: "; ") + ")"
    }
}

extension Trait where Self == ConditionTrait {
    /// For tests that switch users (setpriv), mount file systems, or check
    /// what only a root launcher does (network namespace slots, private uids).
    public static var requiresRoot: Self {
        .enabled(if: Machine.isRoot, Comment(rawValue: "needs root (this test switches users, mounts or checks what only a root launcher does); run the suite as root to include it"))
    }

    /// For tests of limits the sandbox enforces through cgroups (memory of the
    /// whole tree, pids, CPU), including every `kai eval` run that requires
    /// full isolation.
    public static var requiresSandboxCgroups: Self {
        .enabled(if: Machine.sandboxFullyIsolated, Comment(rawValue:
            "needs the sandbox's memory, pids and cpu cgroups, which this machine does not give "
            + "(cgroup: \(Machine.sandboxCgroup); Kai uses writable v1 controllers, or v2 controllers delegated to its cgroup: "
            + "`kai doctor` says which are missing and how to get them)"
            + Machine.sandboxWarnings))
    }

    /// For tests that read cgroup v1 directories directly.
    public static var requiresCgroupV1: Self {
        .enabled(if: Machine.sandboxCgroup == "v1", Comment(rawValue:
            "needs writable cgroup v1 controllers (this machine's sandbox uses cgroup: \(Machine.sandboxCgroup))" + Machine.sandboxWarnings))
    }

    /// For tests that build the Rust plugin with rustc (`make deps` installs it).
    public static var requiresRustc: Self {
        .enabled(if: Machine.rustcProblem == nil, Comment(rawValue:
            "needs rustc (`rustc --version` failed: \(Machine.rustcProblem ?? "")); `make deps` installs Debian's"))
    }

    /// For tests that write into the build directory (it must be outside
    /// the shared directories a sandboxed worker refuses, e.g. /tmp).
    public static var requiresWritableBuildDirectory: Self {
        .enabled(if: access(Fixtures.buildDirectory, W_OK) == 0, Comment(rawValue:
            "needs to write in the build directory \(Fixtures.buildDirectory) (run the suite as the user who built it)"))
    }

    /// For tests of the sandbox's namespaces (user, pid, mount, network).
    public static var requiresNamespaces: Self {
        .enabled(if: ["user_namespace", "pid_namespace", "net_namespace", "mount_namespace"].allSatisfy(Machine.sandboxHas), Comment(rawValue:
            "needs user, pid, mount and network namespaces, which this machine refuses (e.g. kernel.unprivileged_userns_clone=0 "
            + "or a container without CAP_SYS_ADMIN)" + Machine.sandboxWarnings))
    }
}
