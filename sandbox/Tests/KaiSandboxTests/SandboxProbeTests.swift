import Foundation
import KaiSandbox
import KaiTestSupport
import Testing

/// `kai-sandbox --probe` and its Swift client `Sandbox.probe()`: every
/// finding tried for real, in the contract's order, with the fix for each
/// one missing.
@Suite struct SandboxProbeTests {
    let sandbox = Sandbox()

    /// The findings probe.c makes itself; the cgroup ones follow (cgroup2.c).
    static let ownIDs = ["user_namespace", "pid_namespace", "net_namespace", "mount_namespace", "ipc_namespace", "uts_namespace",
                         "cgroup_namespace", "user_namespace_limits", "no_new_privs", "seccomp", "private_uid"]

    @Test func probe_reportsTheNamespaceAndPrivilegeFindingsFirst_inTheContractsOrder_withTheContractsRequiredFlags() throws {
        let probe = try sandbox.probe()
        #expect(probe.findings.prefix(Self.ownIDs.count).map(\.id) == Self.ownIDs)
        for (id, required) in SandboxFindings.contractIDs {
            guard let finding = probe[id] else { continue }
            #expect(finding.required == required, "\(id)")
        }
        #expect(probe.euid == geteuid())
        var name = utsname()
        uname(&name)
        #expect(probe.kernel == withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
    }

    @Test func probe_reportsEveryContractFinding_inOrder() throws {
        let probe = try sandbox.probe()
        #expect(probe.findings.map(\.id) == SandboxFindings.contractIDs.map(\.id))
    }

    @Test(.requiresNamespaces) func probe_onThisMachine_findsEveryNamespaceNoNewPrivsAndSeccomp() throws {
        let probe = try sandbox.probe()
        for id in Self.ownIDs.dropLast() {
            let finding = try #require(probe[id])
            #expect(finding.ok && finding.fix == nil, "\(id): \(finding.detail) \(finding.fix ?? "")")
        }
        #expect(probe["seccomp"]?.detail == "the run's filter installs with a user-notification listener and stops a denied syscall")
    }

    @Test(.requiresRoot, .requiresNamespaces) func probe_asRoot_givesThePrivateUid() throws {
        let finding = try #require(try sandbox.probe()["private_uid"])
        #expect(finding.ok && !finding.required)
        #expect(finding.detail.hasPrefix("the launcher is root, so each sandbox gets a host uid of its own"))
    }

    /// One place for the fix: the probe's finding and a run's clone failure
    /// say the same thing, from the sysctl that refuses.
    @Test(.requiresNamespaces) func whenUserNamespacesAreOff_probeAndRunGiveTheSameSysctlFix() throws {
        let fix = "allow user namespaces: sysctl -w user.max_user_namespaces=15000 (it is 0)"
        let probed = try UserNamespacesOff.run([sandbox.launcherPath, "--probe"])
        #expect(probed.status == 0, "\(probed.stderr)")
        let probe = try SandboxFindings.decode(Array(probed.stdout.utf8))
        #expect(probe["user_namespace"] == SandboxFinding(
            id: "user_namespace", ok: false, required: true, detail: "unshare(CLONE_NEWUSER): No space left on device", fix: fix))
        let clone = UserNamespacesOff.knob("kernel/unprivileged_userns_clone")
        let apparmor = UserNamespacesOff.knob("kernel/apparmor_restrict_unprivileged_userns")
        #expect(probe["user_namespace_limits"] == SandboxFinding(
            id: "user_namespace_limits", ok: false, required: false,
            detail: "user.max_user_namespaces = 0, kernel.unprivileged_userns_clone = \(clone), "
                + "kernel.apparmor_restrict_unprivileged_userns = \(apparmor)", fix: fix))
        #expect(probe["private_uid"]?.fix == "make the user namespace work (see user_namespace)")

        let run = try UserNamespacesOff.run([sandbox.launcherPath, "--", "/bin/true"])
        let report = try SandboxReport.decode(Array(run.stdout.utf8))
        #expect(report.status == .sandboxError)
        #expect(report.error == "cannot create the sandbox's namespaces (clone3 with CLONE_NEWUSER|PID|NS|IPC|UTS|CGROUP): "
            + "No space left on device; fix: \(fix)")
    }

    /// Root only inside a user namespace (a rootless container) cannot map
    /// the private uid: the probe says so instead of hanging, and a run's
    /// failure gives the same fix.
    @Test(.requiresNamespaces) func asRootOfAUserNamespaceWithoutThePrivateUid_probeAndRunGiveTheSameFix() throws {
        let probed = try UserNamespacesOff.run([sandbox.launcherPath, "--probe"], limitToZero: false)
        #expect(probed.status == 0, "\(probed.stderr)")
        let finding = try #require(try SandboxFindings.decode(Array(probed.stdout.utf8))["user_namespace"])
        #expect(!finding.ok && finding.required)
        #expect(finding.detail.hasPrefix("writing /proc/") && finding.detail.hasSuffix("1\"): Operation not permitted"), "\(finding.detail)")
        let fix = try #require(finding.fix)
        #expect(fix.hasPrefix("kai runs as root inside a user namespace (a rootless container?) that does not map host uid 1"), "\(fix)")
        #expect(fix.hasSuffix(", the uid of its own a root launcher gives each sandbox: run kai as a non-root user there (the sandbox "
            + "then shares that uid), or map uids from 1000000000 up into the container"))

        let run = try UserNamespacesOff.run([sandbox.launcherPath, "--", "/bin/true"], limitToZero: false)
        let report = try SandboxReport.decode(Array(run.stdout.utf8))
        #expect(report.status == .sandboxError)
        #expect(report.error?.contains("): Operation not permitted; fix: kai runs as root inside a user namespace (a rootless container?)") == true,
                "\(report.error ?? "")")
    }

    @Test func probeWithAProgram_isAUsageError() throws {
        let outcome = try Subprocess.run(sandbox.launcherPath, ["--probe", "--", "/bin/true"], environment: [:])
        #expect(outcome.status == 2)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.hasPrefix("kai-sandbox: --probe runs no program: drop what follows \"--\"\n"), "\(outcome.stderr)")
    }

    // MARK: - typed errors

    @Test func probe_whenTheLauncherIsMissing_throwsLauncherMissing() {
        let path = Fixtures.scratch + "/no-such-kai-sandbox"
        #expect(throws: SandboxProbeError.launcher(.launcherMissing(path: path))) { try Sandbox(launcherPath: path).probe() }
    }

    @Test func probe_whenTheLauncherPrintsNoJSON_throwsNotFindings() throws {
        let launcher = try Self.fakeLauncher("echo 'no JSON here'")
        #expect {
            try Sandbox(launcherPath: launcher).probe()
        } throws: { error in
            guard case .notFindings(_, let stdout) = error as? SandboxProbeError else { return false }
            return stdout == "no JSON here\n"
        }
    }

    @Test func probe_whenAMissingFindingHasNoFix_throwsNotFindingsNamingIt() throws {
        let launcher = try Self.fakeLauncher(#"""
            echo '{"kernel": "6.0", "euid": 0, "cgroup_base": null, "findings": [{"id": "seccomp", "ok": false, "required": true, "detail": "x", "fix": null}]}'
            """#)
        #expect {
            try Sandbox(launcherPath: launcher).probe()
        } throws: { error in
            guard case .notFindings(let detail, _) = error as? SandboxProbeError else { return false }
            return detail == #"finding "seccomp" is missing but has no fix"#
        }
    }

    @Test func probe_whenTheLauncherFails_throwsLauncherFailedWithItsMessage() throws {
        let launcher = try Self.fakeLauncher("echo 'kai-sandbox: broken' >&2; exit 3")
        #expect(throws: SandboxProbeError.launcher(.launcherFailed(exitStatus: 3, signal: nil, stderr: "kai-sandbox: broken\n"))) {
            try Sandbox(launcherPath: launcher).probe()
        }
    }

    /// A shell script standing in for kai-sandbox.
    static func fakeLauncher(_ body: String) throws -> String {
        let path = Fixtures.scratch + "/fake-kai-sandbox-\(UUID().uuidString.prefix(8))"
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }
}
