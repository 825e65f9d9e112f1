import Foundation
import KaiTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 30: SIGKILL the runner mid-run — the launcher itself, or the host
/// process that started it — and no sandbox process survives.
@Suite(.requiresNamespaces) struct HostKillTests {
    enum Victim: String, CaseIterable { case launcher, host }

    @Test(.requiresCgroupV1, arguments: Victim.allCases)
    func sigkillMidRun_leavesNoSandboxProcessAlive(victim: Victim) throws {
        let marker = Sandbox.newMarker()
        let (staged, argv) = try Sandbox.command(for: "sleeper.py")
        let dir = try Sandbox.stage(staged)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let launch = [Sandbox.launcher, "--files", dir, "--time-limit-ms", "120000", "--"] + argv + [marker]
        // As the host: a shell that starts the launcher and waits for it.
        let command = victim == .host ? ["/bin/sh", "-c", "\"$@\"; echo host-done", "host"] + launch : launch
        let parent = try Spawn.start(command, environment: Sandbox.hostEnvironment)
        #expect(Processes.waitUntil(seconds: 10) { Processes.carrying(marker, argv0: "/usr/bin/python3").count == 3 },
                "the sleeper and its two children never started")
        let launcherPID = victim == .launcher ? parent.pid : Self.child(of: parent.pid)
        #expect(launcherPID != nil)
        // Its cgroups, while it runs (once it is dead, another test's run
        // may already have swept them).
        let made = launcherPID.map(Processes.cgroupDirectories(ofLauncher:)) ?? []
        #expect(!made.isEmpty, "the launcher had made no cgroups, so their sweep goes untested")

        kill(parent.pid, SIGKILL)
        _ = try? parent.finish(deadline: 10)

        let survivors = Processes.waitForNone(marker, seconds: 3)
        #expect(survivors.isEmpty, "sandbox processes survived the \(victim) kill: \(survivors)")
        guard let launcherPID else { return }
        #expect(Processes.waitUntil(seconds: 3) { !Processes.isAlive(launcherPID) }, "launcher \(launcherPID) survived")
        let left = Processes.cgroupDirectories(ofLauncher: launcherPID)
        for dir in left {
            // Exiting processes stay listed until the kernel has reaped them,
            // which lags on a loaded machine: wait (bounded) for the list to empty.
            let procs = { (try? String(contentsOfFile: dir + "/cgroup.procs", encoding: .utf8)) ?? "" }
            #expect(Processes.waitUntil(seconds: 5) { procs().isEmpty }, "\(dir) still holds \(procs())")
        }
        // A SIGKILLed launcher cannot rmdir its (now empty) cgroups; the next
        // launcher sweeps them while its init builds the sandbox.
        let next = try Sandbox.run("net", ["route_out", "-"])
        next.expectExited(0)
        let stale = made.filter { FileManager.default.fileExists(atPath: $0) }
        #expect(stale.isEmpty, "cgroups of the killed launcher left after the next run: \(stale)")
    }

    static func child(of parent: pid_t) -> pid_t? {
        let children = (try? String(contentsOfFile: "/proc/\(parent)/task/\(parent)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").first.flatMap { pid_t($0) }
    }
}
