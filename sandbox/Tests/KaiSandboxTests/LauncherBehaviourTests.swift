import KaiSandbox
import KaiTestSupport
import Testing

/// The launcher's basic verdicts, driven through the Swift API against the
/// real `kai-sandbox` built next to this test binary. (Hostile programs live
/// in KaiSandboxAttackTests.)
@Suite(.requiresNamespaces) struct LauncherBehaviourTests {
    let sandbox = Sandbox()

    func run(_ command: [String], _ limits: SandboxLimits = SandboxLimits(), _ configure: (inout SandboxRequest) -> Void = { _ in })
        throws -> SandboxReport
    {
        var request = SandboxRequest(command: command, limits: limits)
        configure(&request)
        return try sandbox.run(request)
    }

    @Test func run_whenProgramPrints_capturesStdoutAndStderrSeparately() throws {
        let report = try run(["/bin/sh", "-c", "echo out; echo err >&2"])
        #expect(report.status == .ok)
        #expect(report.exitCode == 0)
        #expect(report.signal == nil)
        #expect(report.stdout == "out\n")
        #expect(report.stderr == "err\n")
        #expect(!report.stdoutTruncated && report.stdoutBase64 == nil)
        #expect(report.rawJSON.contains("\"status\": \"ok\""))
    }

    @Test func run_whenProgramExits137_reportsExitCodeNotSignal() throws {
        let report = try run(["/bin/sh", "-c", "exit 137"])
        #expect(report.status == .exitedNonzero)
        #expect(report.exitCode == 137)
        #expect(report.signal == nil)
    }

    @Test func run_whenProgramKillsItselfWithSIGKILL_reportsSignalNotExitCode() throws {
        let report = try run(["/bin/sh", "-c", "kill -9 $$"])
        #expect(report.status == .signaled)
        #expect(report.exitCode == nil)
        #expect(report.signal == 9)
        #expect(report.signalName == "SIGKILL")
    }

    @Test func run_whenProgramSleepsPastWallLimit_killsItAtTheLimit() throws {
        let report = try run(["/bin/sleep", "10"], SandboxLimits(timeLimitMs: 300))
        #expect(report.status == .wallTimeLimit)
        #expect(report.signal == 9)
        #expect(report.wallTimeMs >= 300 && report.wallTimeMs < 800)
        #expect(report.cpuTimeMs < 100)
    }

    @Test(.requiresSandboxCgroups) func run_whenProgramSpinsPastCPULimit_killsItAtTheLimit() throws {
        let report = try run(["/bin/sh", "-c", "while :; do :; done"], SandboxLimits(cpuLimitMs: 300))
        #expect(report.status == .cpuTimeLimit)
        #expect(report.signal == 9)
        #expect(report.cpuTimeMs >= 300 && report.cpuTimeMs < 450)
    }

    @Test func run_whenOutputExceedsCap_truncatesAndFlagsIt() throws {
        let report = try run(["/usr/bin/head", "-c", "3000000", "/dev/zero"], SandboxLimits(outputLimitKB: 64))
        #expect(report.status == .outputLimit)
        #expect(report.exitCode == 0)
        #expect(report.stdoutTruncated)
        #expect(report.stdout.utf8.count == 64 * 1024)
        #expect(!report.stderrTruncated)
    }

    @Test func run_whenOutputIsNotUTF8_keepsExactBytesInBase64() throws {
        let report = try run(["/usr/bin/printf", "\\377ab"])
        #expect(report.status == .ok)
        #expect(report.stdoutBase64 == "/2Fi")
    }

    @Test func run_onThisMachine_reportsEveryProtectionInForce() throws {
        let report = try run(["/bin/true"])
        let p = report.protections
        #expect(p.userNamespace && p.pidNamespace && p.netNamespace && p.mountNamespace)
        #expect(p.ipcNamespace && p.utsNamespace && p.cgroupNamespace)
        #expect(p.noNewPrivs && p.seccomp && p.rlimits && p.readonlyRoot)
        #expect(p.network == "none")
        #expect(p.uid == 65534)
        #expect(report.limits.timeLimitMs == 10000)
    }

    @Test(.requiresSandboxCgroups) func run_withoutSeccompAndRequireIsolation_failsClosedWithoutRunning() throws {
        let report = try run(["/bin/sh", "-c", "echo ran"]) {
            $0.requireIsolation = true
            $0.disableSeccomp = true
        }
        #expect(report.status == .sandboxError)
        #expect(report.stdout == "")
        #expect(report.exitCode == nil)
        #expect(report.error == "isolation required but unavailable: seccomp (disabled by --no-seccomp; fix: drop --no-seccomp)")
    }

    @Test func run_withoutCgroupsAndRequireIsolation_namesEachMissingCgroupWithItsFix() throws {
        let report = try run(["/bin/sh", "-c", "echo ran"]) {
            $0.requireIsolation = true
            $0.disableCgroups = true
        }
        #expect(report.status == .sandboxError)
        #expect(report.stdout == "")
        #expect(report.error == "isolation required but unavailable: "
            + "cgroup_memory (cgroups disabled by --no-cgroups; fix: drop --no-cgroups), "
            + "cgroup_pids (cgroups disabled by --no-cgroups; fix: drop --no-cgroups), "
            + "cgroup_cpu (cgroups disabled by --no-cgroups; fix: drop --no-cgroups)")
    }

    @Test func run_withoutCgroups_warnsOnceWithTheFix() throws {
        let report = try run(["/bin/true"]) { $0.disableCgroups = true }
        #expect(report.status == .ok)
        #expect(report.protections.cgroup == "none")
        #expect(!report.protections.cgroupMemory && !report.protections.cgroupKill)
        #expect(report.warnings.filter { $0.contains("--no-cgroups") } == ["cgroups disabled by --no-cgroups (fix: drop --no-cgroups)"])
    }

    @Test(arguments: ["0", "1025", "1.5", "two"])
    func launcher_cpusOutOfRange_isAUsageErrorNamingTheRange(value: String) throws {
        let outcome = try Subprocess.run(Fixtures.buildDirectory + "/kai-sandbox", ["--cpus", value, "--", "/bin/true"], environment: [:])
        #expect(outcome.status == 2)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.hasPrefix("kai-sandbox: --cpus expects a whole number from 1 to 1024, got \"\(value)\"\n"),
                "\(outcome.stderr)")
    }

    @Test func run_withCpusWhereCpuMaxIsMissing_warnsThatItIsNotEnforced() throws {
        let report = try run(["/bin/true"]) { $0.limits.cpus = 2 }
        #expect(report.status == .ok)
        #expect(report.limits.cpus == 2)
        let warning = report.warnings.first { $0.hasPrefix("--cpus") }
        if report.protections.cgroupCPUMax {
            #expect(warning == nil, "cpu.max is enforced here: \(report.warnings)")
        } else {
            #expect(warning?.hasPrefix("--cpus 2 is not enforced: ") == true, "\(report.warnings)")
            #expect(warning?.contains(" (fix: ") == true, "\(report.warnings)")
        }
        let quiet = try run(["/bin/true"])
        #expect(!quiet.warnings.contains { $0.hasPrefix("--cpus") }, "the default is not a request: \(quiet.warnings)")
    }

    @Test func run_withoutSeccomp_runsAndSaysSeccompIsOff() throws {
        let report = try run(["/bin/true"]) { $0.disableSeccomp = true }
        #expect(report.status == .ok)
        #expect(report.protections.seccomp == false)
        #expect(report.warnings.contains("seccomp disabled by --no-seccomp"))
    }

    @Test func run_whenProgramCallsPtrace_namesTheDeniedSyscall() throws {
        let report = try run(["/usr/bin/python3", "-c", "import ctypes; ctypes.CDLL(None).syscall(101, 0, 0, 0, 0)"])
        #expect(report.status == .signaled)
        #expect(report.signal == 9)
        #expect(report.seccompDeniedSyscall == "ptrace")
    }

    @Test func run_whenProgramIsMissing_reportsSandboxErrorWithFix() throws {
        let report = try run(["/nonexistent"])
        #expect(report.status == .sandboxError)
        #expect(report.error == "cannot execute \"/nonexistent\"; fix: give an absolute path that exists inside the sandbox "
            + "(/usr, /bin, /work or a --bind): No such file or directory")
    }

    @Test func run_whenLauncherIsMissing_saysWhereItLookedAndHowToBuildIt() {
        let missing = Sandbox(launcherPath: "/nonexistent/kai-sandbox")
        #expect(throws: SandboxError.launcherMissing(path: "/nonexistent/kai-sandbox")) {
            try missing.run(SandboxRequest(command: ["/bin/true"]))
        }
        #expect(SandboxError.launcherMissing(path: "/x/kai-sandbox").description
            == "kai-sandbox launcher not found at /x/kai-sandbox; build it with `swift build --product kai-sandbox` "
            + "(it is looked for next to the running executable) or pass its path to Sandbox(launcherPath:)")
    }
}
