import Foundation
import KaiTestSupport
import Testing

/// Attacks 1–8, 13, 28, 29: limits on CPU, wall time, memory, processes and
/// disk hold, are reported precisely, and leave nothing behind.
/// Times are asserted as ranges wide enough for a loaded 2-core machine.
@Suite(.requiresNamespaces) struct ResourceLimitTests {
    @Test(.requiresSandboxCgroups) func busyLoop_isKilledAtTheCPULimit_withCPUTimeNearTheLimit() throws {  // 1
        let run = try Sandbox.run("busy_loop.py", options: ["--cpu-limit-ms", "1000", "--time-limit-ms", "30000"])
        run.expectKilled("cpu_time_limit")
        #expect(run.report.cpuMs >= 800 && run.report.cpuMs < 1500, "\(run.report)")
        #expect(run.report.wallMs < 30000)
        run.expectHostUnaffected()
    }

    @Test func sleepForever_isKilledAtTheWallLimit_withNoCPUAndEmptyStdin() throws {  // 2
        let run = try Sandbox.run("sleep_forever.py", options: ["--time-limit-ms", "1500"])
        run.expectKilled("wall_time_limit")
        #expect(run.report.facts["stdin_bytes"] == "0", "\(run.report)")
        #expect(run.report.wallMs >= 1500 && run.report.wallMs < 3500, "\(run.report)")
        #expect(run.report.cpuMs < 700, "\(run.report)")
        #expect(run.launcher.elapsed < 6)
        run.expectHostUnaffected()
    }

    @Test(arguments: [("busy", "cpu_time_limit"), ("sleep", "wall_time_limit")])
    func ignoringEverySignal_stillKilledFromOutside(mode: String, status: String) throws {  // 3
        let run = try Sandbox.run("ignore_signals.py", [mode], options: ["--cpu-limit-ms", "1000", "--time-limit-ms", mode == "busy" ? "30000" : "2000"])
        run.expectKilled(status)
        #expect(run.report.facts["signals"] == "ignored", "\(run.report)")
        if mode == "sleep" { #expect(run.report.wallMs >= 2000 && run.report.wallMs < 4000, "\(run.report)") }
        if mode == "busy" { #expect(run.report.cpuMs >= 800, "\(run.report)") }
        run.expectHostUnaffected()
    }

    @Test(.requiresSandboxCgroups) func allocating2GiB_hitsTheMemoryLimit_andReportsThePeak() throws {  // 4
        let run = try Sandbox.run("allocate.py", options: ["--memory-mb", "128", "--time-limit-ms", "20000"])
        run.expectKilled("memory_limit")
        #expect(!run.report.stdout.contains("allocated=2GiB"))
        #expect(run.report.peakMemoryKB >= 100 * 1024 && run.report.peakMemoryKB <= 136 * 1024, "\(run.report)")
        run.expectHostUnaffected()
    }

    @Test(.requiresSandboxCgroups) func childrenUnderTheCapEach_overItTogether_hitTheAggregateLimit() throws {  // 5
        // The OOM killer takes one child; the others sleep on into the wall limit.
        let run = try Sandbox.run("children_memory.py", options: ["--memory-mb", "256", "--time-limit-ms", "4000"])
        #expect(run.report.status == "memory_limit", "\(run.report)")
        #expect(!run.report.stdout.contains("all_children_done"))
        #expect(run.report.peakMemoryKB >= 200 * 1024 && run.report.peakMemoryKB <= 264 * 1024, "\(run.report)")
        run.expectHostUnaffected()
    }

    /// /dev/shm is the sandbox's own tmpfs, capped at the work-dir size and
    /// charged to its memory cgroup: whichever is smaller stops the fill.
    @Test(.requiresSandboxCgroups, arguments: [(64, 256, "ENOSPC"), (512, 128, "memory_limit")])
    func fillingDevShm_isChargedToTheSandbox_andNeverReachesTheHost(shmMB: Int, memoryMB: Int, outcome: String) throws {  // 6
        let before = try FileManager.default.contentsOfDirectory(atPath: "/dev/shm").count
        let run = try Sandbox.run("fill_shm.py", options: ["--workdir-mb", "\(shmMB)", "--memory-mb", "\(memoryMB)", "--time-limit-ms", "20000"])
        #expect(run.report.facts["shm_open"] == "ok", "\(run.report)")
        if outcome == "ENOSPC" {
            run.expectExited(0)
            #expect(run.report.facts["shm_write"] == "ENOSPC", "\(run.report)")
            #expect((Int(run.report.facts["written_mib"] ?? "") ?? 1000) <= shmMB, "\(run.report)")
        } else {
            run.expectKilled("memory_limit")
            #expect(run.report.peakMemoryKB <= Int64(memoryMB + 8) * 1024, "\(run.report)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/dev/shm/\(run.marker)-0"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: "/dev/shm").count <= before)
        run.expectHostUnaffected()
    }

    @Test(.requiresSandboxCgroups) func forkBomb_isContainedByThePidsLimit_andFullyKilled() throws {  // 7
        let run = try Sandbox.run("fork_bomb", options: ["--pids", "32", "--time-limit-ms", "2000", "--cpu-limit-ms", "60000"])
        run.expectKilled("wall_time_limit")
        #expect(run.report.pidsLimitHit == true, "\(run.report)")
        #expect(run.report.wallMs < 4500, "\(run.report)")
        run.expectHostUnaffected()
    }

    @Test(.requiresSandboxCgroups) func tenThousandThreads_countAsProcesses() throws {  // 8
        let run = try Sandbox.run("threads.py", options: ["--pids", "40"])
        run.expectExited(0)
        #expect(run.report.pidsLimitHit == true, "\(run.report)")
        let started = Int(run.report.facts["started"] ?? "") ?? -1
        #expect(started >= 1 && started < 40, "\(run.report)")
        run.expectHostUnaffected()
    }

    /// CPython ignores SIGXFSZ, so its write fails with EFBIG instead.
    @Test(arguments: ["/work", "/tmp"])
    func writing10GBFromPython_failsWithFileTooLarge(directory: String) throws {  // 13
        let run = try Sandbox.run("write_big.py", ["file", directory], options: ["--file-size-mb", "8"])
        run.expectExited(1)
        #expect(run.report.stderr.contains("OSError: [Errno 27] File too large"), "\(run.report)")
        run.expectHostUnaffected()
    }

    @Test(arguments: ["/work", "/tmp"])
    func writing10GBWithCat_isKilledBySIGXFSZ(directory: String) throws {  // 13
        let run = try Sandbox.run("write_big.sh", [directory], options: ["--file-size-mb", "8"])
        #expect(run.report.status == "signaled", "\(run.report)")
        #expect(run.report.signalName == "SIGXFSZ", "\(run.report)")
        #expect(run.report.signal == 25)
        #expect(run.report.exitCode == nil)
        run.expectHostUnaffected()
    }

    @Test func manyFilesEachUnderTheLimit_fillOnlyTheCappedWorkDirectory() throws {  // 13 (quota)
        let run = try Sandbox.run("write_big.py", ["many", "/work"], options: ["--file-size-mb", "8", "--workdir-mb", "16"])
        run.expectExited(1)
        #expect(run.report.stderr.contains("No space left on device"), "\(run.report)")
        let written = Int(run.report.stdout.split(separator: " ").first?.split(separator: "=").last ?? "") ?? -1
        #expect(written >= 6 && written <= 16, "\(run.report)")
        run.expectHostUnaffected()
    }

    @Test(.requiresSandboxCgroups) func setsidRenicedChildrenWithRaisedLimits_areStillLimitedAndKilled() throws {  // 28
        let run = try Sandbox.run("escape_limits.py", options: ["--cpu-limit-ms", "1500", "--time-limit-ms", "30000"])
        run.expectKilled("cpu_time_limit")
        let facts = run.report.facts
        #expect(facts["raise_cpu"]?.hasPrefix("ValueError") == true || facts["raise_cpu"]?.hasPrefix("PermissionError") == true, "\(run.report)")
        #expect(facts["raise_nproc"] != "ok" && facts["raise_as"] != "ok", "\(run.report)")
        #expect(facts["renice"]?.hasPrefix("PermissionError") == true, "\(run.report)")
        // Four burners share the CPU budget: aggregated, the tree is stopped
        // near 1.5 s of CPU in all, not at 1.5 s each (6 s).
        #expect(run.report.cpuMs >= 1200 && run.report.cpuMs < 4000, "\(run.report)")
        run.expectHostUnaffected()
    }

    @Test(.requiresSandboxCgroups, arguments: ["threads", "procs"])
    func cpuBurnedAcrossEightWorkers_isAggregated(mode: String) throws {  // 29
        let run = try Sandbox.run("cpu_burners", [mode], options: ["--cpu-limit-ms", "1500", "--time-limit-ms", "30000"])
        run.expectKilled("cpu_time_limit")
        // Aggregated: near 1.5 s of CPU in all, not 1.5 s per worker (12 s).
        #expect(run.report.cpuMs >= 1200 && run.report.cpuMs < 3000, "\(run.report)")
        run.expectHostUnaffected()
    }
}
