import Foundation
import KaiTestSupport
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attacks 24 and 25, and 16 sandboxes at once: sandboxes share nothing with
/// each other or the host, and guard bypasses in Python change nothing.
@Suite(.requiresNamespaces) struct IsolationTests {
    /// Runs `body(i)` on `count` threads at once and returns the results in order.
    static func concurrently<T: Sendable>(_ count: Int, _ body: @Sendable (Int) throws -> T) -> [Result<T, any Error>] {
        let results = Mutex<[Int: Result<T, any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let result = Result { try body(index) }
            results.withLock { $0[index] = result }
        }
        return results.withLock { all in (0..<count).map { all[$0]! } }
    }

    @Test func sysvIPCAndLocks_inTwoConcurrentSandboxes_areNotShared() throws {  // 24
        let runs = Self.concurrently(2) { _ in try Sandbox.run("sysv_ipc") }
        for result in runs {
            let run = try result.get()
            run.expectExited(0)
            for object in ["shm", "sem", "msg"] {
                #expect(run.report.facts[object] == "created", "\(object) collided: \(run.report)")
            }
            #expect(run.report.facts["flock"] == "held", "\(run.report)")
            #expect(run.report.facts["shm_content"] == run.marker, "\(run.report)")
            #expect(run.report.wallMs >= 1000, "the two runs must overlap for a second")
            run.expectHostUnaffected()
        }
        let hostSegments = (try? String(contentsOfFile: "/proc/sysvipc/shm", encoding: .utf8)) ?? ""
        #expect(!hostSegments.contains("1262569729"), "the key 0x4b414901 appeared on the host")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/kai-attack.lock"))
    }

    @Test func pythonGuardBypass_isStillContainedByTheOSLayer() throws {  // 25
        let run = try Sandbox.run("guard_bypass.py", ["\(getpid())"])
        run.expectSeccompKill("ptrace")
        let facts = run.report.facts
        #expect(facts["subclasses_system_status"] != nil && facts["subclasses_system_status"] != "0",
                "the bypass ran but /etc/shadow stayed unreadable: \(run.report)")
        #expect(facts["ctypes_system_status"] == "0", "ctypes reached libc: \(run.report)")
        #expect(!run.report.stdout.contains("ptrace_result"))
        run.expectHostUnaffected()
    }

    @Test func sixteenSandboxesInParallel_eachSeeOnlyTheirOwnFiles() throws {
        let runs = Self.concurrently(16) { _ in try Sandbox.run("parallel_marker.py", options: ["--time-limit-ms", "60000"]) }
        var markers: Set<String> = []
        for result in runs {
            let run = try result.get()
            markers.insert(run.marker)
            run.expectExited(0)
            let facts = run.report.facts
            for directory in ["/work", "/tmp"] {
                #expect(facts["\(directory)_seen"] == "\(run.marker).txt", "\(directory) cross-talk: \(run.report)")
                #expect(facts["\(directory)_content"] == run.marker, "\(run.report)")
            }
            #expect(!FileManager.default.fileExists(atPath: "/tmp/\(run.marker).txt"))
            #expect(!FileManager.default.fileExists(atPath: "/work/\(run.marker).txt"))
            run.expectHostUnaffected()
        }
        #expect(markers.count == 16)
    }
}
