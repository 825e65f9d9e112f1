import Foundation
import KaiTestSupport
import Testing

/// Item 4: where a protection is unavailable the report says so and the run
/// still happens; `--require-isolation` makes it fail closed instead.
@Suite(.requiresNamespaces) struct DegradeTests {
    /// Runs the launcher as nobody: cgroups (root-owned) are not writable.
    static let asNobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]

    @Test(.requiresRoot) func unprivilegedLauncher_reportsCgroupsOff_andStillRuns() throws {
        let run = try Sandbox.run("exits", ["exit0"], prefix: Self.asNobody)
        run.expectExited(0)
        let protections = run.report.protections
        #expect(protections["cgroup"]?.stringValue == "none", "\(run.report.raw)")
        #expect(protections["cgroup_memory"]?.boolValue == false)
        #expect(protections["cgroup_pids"]?.boolValue == false)
        #expect(protections["cgroup_cpu"]?.boolValue == false)
        let warnings = (run.report.json["warnings"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(warnings.contains { $0.contains("RLIMIT_NPROC not set") }, "\(warnings)")
        for kept in ["user_namespace", "pid_namespace", "net_namespace", "mount_namespace", "no_new_privs", "seccomp", "rlimits"] {
            #expect(protections[kept]?.boolValue == true, "\(kept): \(run.report.raw)")
        }
        run.expectHostUnaffected()
    }

    @Test(.requiresRoot) func unprivilegedLauncher_stillEnforcesCPUAndMemoryByRlimits() throws {
        let busy = try Sandbox.run("busy_loop.py", options: ["--cpu-limit-ms", "1000", "--time-limit-ms", "30000"], prefix: Self.asNobody)
        #expect(busy.report.status == "cpu_time_limit", "\(busy.report)")
        #expect(busy.report.cpuMs >= 800, "\(busy.report)")
        busy.expectHostUnaffected()
        // Without a memory cgroup RLIMIT_AS is the memory limit: the 2 GiB
        // allocation fails inside the program instead of being killed.
        let memory = try Sandbox.run("allocate.py", options: ["--memory-mb", "128"], prefix: Self.asNobody)
        memory.expectExited(1)
        #expect(memory.report.stderr.contains("MemoryError"), "\(memory.report)")
        #expect(!memory.report.stdout.contains("allocated=2GiB"))
        memory.expectHostUnaffected()
    }

    @Test(.requiresRoot) func unprivilegedLauncher_withRequireIsolation_failsClosedNamingCgroups() throws {
        let run = try Sandbox.run("exits", ["exit0"], options: ["--require-isolation"], prefix: Self.asNobody)
        #expect(run.report.status == "sandbox_error", "\(run.report)")
        #expect(run.report.error?.contains("cgroup") == true, "\(run.report)")
        #expect(run.report.exitCode == nil && run.report.signal == nil)
        run.expectHostUnaffected()
    }

    static let testFlags: [(flag: String, protection: String, errorMentions: String)] = [
        ("--no-seccomp", "seccomp", "seccomp"),
        ("--no-cgroups", "cgroup_memory", "cgroup"),
    ]

    @Test(arguments: testFlags)
    func testFlag_turnsTheProtectionOff_andTheReportSaysSo(flag: String, protection: String, errorMentions: String) throws {
        try expectTestFlag(flag, turnsOff: protection, errorMentions: errorMentions)
    }

    /// Without a user namespace only root may make the others.
    @Test(.requiresRoot) func noUserns_turnsTheUserNamespaceOff_andTheReportSaysSo() throws {
        try expectTestFlag("--no-userns", turnsOff: "user_namespace", errorMentions: "user_namespace")
    }

    private func expectTestFlag(_ flag: String, turnsOff protection: String, errorMentions: String) throws {
        let run = try Sandbox.run("exits", ["exit0"], options: [flag])
        run.expectExited(0)
        #expect(run.report.protections[protection]?.boolValue == false, "\(run.report.raw)")
        run.expectHostUnaffected()

        let closed = try Sandbox.run("exits", ["exit0"], options: [flag, "--require-isolation"])
        #expect(closed.report.status == "sandbox_error", "\(closed.report)")
        #expect(closed.report.error?.lowercased().contains(errorMentions) == true, "\(closed.report)")
        closed.expectHostUnaffected()
    }

    @Test func noSeccomp_letsAForbiddenSyscallReturn_insteadOfKilling() throws {
        let run = try Sandbox.run("syscall_probe", ["ptrace", "1"], options: ["--no-seccomp"])
        run.expectExited(42)
        #expect(run.report.seccompDenied == nil)
        #expect(run.report.stdout.hasPrefix("survived=-1"), "\(run.report)")
        run.expectHostUnaffected()
    }

    @Test(.requiresSandboxCgroups) func fullIsolation_isReportedOnThisMachine() throws {
        let run = try Sandbox.run("exits", ["exit0"], options: ["--require-isolation"])
        run.expectExited(0)
        let protections = run.report.protections
        for name in ["user_namespace", "pid_namespace", "net_namespace", "mount_namespace", "ipc_namespace",
                     "uts_namespace", "no_new_privs", "seccomp", "rlimits", "readonly_root",
                     "cgroup_memory", "cgroup_pids", "cgroup_cpu"] {
            #expect(protections[name]?.boolValue == true, "\(name): \(run.report.raw)")
        }
        #expect(protections["cgroup"]?.stringValue == Machine.sandboxCgroup && Machine.sandboxCgroup != "none", "\(run.report.raw)")
        #expect(protections["network"]?.stringValue == "none")
        #expect(protections["uid"]?.intValue == 65534)
        run.expectHostUnaffected()
    }
}
