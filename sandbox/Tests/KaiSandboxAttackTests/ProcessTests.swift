import Foundation
import KaiTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attacks 9, 20, 26, 27: daemons die with the run, kills stay inside,
/// crashes are signals (never exit codes) without core files, and exit codes
/// and signals stay distinct.
@Suite(.requiresNamespaces) struct ProcessTests {
    @Test func doubleForkedDaemon_diesWithTheRun_andNeverWritesItsFile() throws {  // 9
        let run = try Sandbox.run("daemon.py", options: ["--time-limit-ms", "10000"])
        run.expectExited(0)
        #expect(run.report.facts["parent"] == "exiting")
        #expect(run.report.wallMs < 5000, "the run waited for the daemon: \(run.report)")
        // Gone now means it can never write: no process carries the marker,
        // so nothing is left to write the files later.
        #expect(Processes.waitForNone(run.marker).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "/work/\(run.marker).daemon"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/\(run.marker).daemon"))
        run.expectHostUnaffected()
    }

    @Test func killMinusOneAndPkill_affectOnlyTheSandbox() throws {  // 20
        let canaryTag = "kaicanary-" + UUID().uuidString.prefix(8).lowercased()
        let canary = try Spawn.start(["/usr/bin/python3", "-c", "import time; time.sleep(60)", canaryTag],
                                     environment: ["PATH": "/usr/bin:/bin"])
        defer { kill(canary.pid, SIGKILL); _ = try? canary.finish(deadline: 5) }
        #expect(Processes.waitUntil(seconds: 5) { !Processes.carrying(canaryTag).isEmpty })
        let split = canaryTag.index(canaryTag.startIndex, offsetBy: 4)
        let run = try Sandbox.run("kill_everything", ["\(canary.pid)", String(canaryTag[..<split]), String(canaryTag[split...])])
        run.expectExited(0)
        let facts = run.report.facts
        #expect(facts["survived"] == "1", "\(run.report)")
        #expect(facts["kill_host_canary"] == "ESRCH", "\(run.report)")
        #expect(facts["pkill_exit"] == "1", "pkill found nothing to kill: \(run.report)")
        #expect(Processes.isAlive(canary.pid), "the host canary was killed")
        #expect(Processes.carrying(canaryTag) == [canary.pid])
        run.expectHostUnaffected()
    }

    @Test(arguments: [("segv", 11, "SIGSEGV"), ("abort", 6, "SIGABRT"), ("recursion", 11, "SIGSEGV")])
    func crash_isReportedAsASignal_withNoCoreFile(how: String, signal: Int64, name: String) throws {  // 26
        let run = try Sandbox.run("crash", [how])
        #expect(run.report.status == "signaled", "\(run.report)")
        #expect(run.report.signal == signal && run.report.signalName == name, "\(run.report)")
        #expect(run.report.exitCode == nil)
        let facts = run.report.facts
        #expect(facts["core_limit"] == "0/0", "\(run.report)")
        #expect(facts["raise_core"] == "EPERM", "\(run.report)")
        #expect(facts["child_signal"]?.hasPrefix("\(signal) child_core=0") == true, "\(run.report)")
        #expect(facts["cores"] == "0", "\(run.report)")
        run.expectHostUnaffected()
    }

    /// Python 3.11 keeps Python frames on the heap, so unguarded recursion
    /// grows memory, not the C stack: the memory limit ends it.
    @Test(.requiresSandboxCgroups) func pythonDeepRecursion_endsAtTheMemoryLimit() throws {  // 26
        let run = try Sandbox.run("deep_recursion.py", options: ["--memory-mb", "128", "--time-limit-ms", "30000"])
        run.expectKilled("memory_limit")
        run.expectHostUnaffected()
    }

    @Test(arguments: [
        ("exit137", "exited_nonzero", 137 as Int64?, nil as Int64?, nil as String?),
        ("sigkill", "signaled", nil, 9, "SIGKILL"),
        ("_exit255", "exited_nonzero", 255, nil, nil),
        ("sigterm", "signaled", nil, 15, "SIGTERM"),
        ("exit0", "ok", 0, nil, nil),
    ])
    func exitCodesAndSignals_stayDistinct(how: String, status: String, code: Int64?, signal: Int64?, name: String?) throws {  // 27
        let run = try Sandbox.run("exits", [how])
        #expect(run.report.status == status, "\(run.report)")
        #expect(run.report.exitCode == code, "\(run.report)")
        #expect(run.report.signal == signal, "\(run.report)")
        #expect(run.report.signalName == name, "\(run.report)")
        run.expectHostUnaffected()
    }
}
