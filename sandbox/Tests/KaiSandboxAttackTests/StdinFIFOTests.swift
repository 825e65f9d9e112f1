import KaiTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 9, item 7d: `--stdin` naming a FIFO honours the time limit. The
/// launcher used to open it blocking, before any limit ran: with no writer
/// it waited forever. Now a FIFO without a writer reads as empty, and one
/// whose writer never writes blocks the program's read, under the limit.
@Suite(.requiresNamespaces) struct StdinFIFOTests {
    static func fifo() throws -> String {
        let path = Sandbox.scratch + "/stdin-\(UUID().uuidString.prefix(8)).fifo"
        guard mkfifo(path, 0o600) == 0 else { throw SpawnError(description: "mkfifo \(path): errno \(errno)") }
        return path
    }

    @Test func fifoWithNoWriter_readsAsEmpty_andTheTimeLimitHolds() throws {
        let path = try Self.fifo()
        defer { unlink(path) }
        let run = try Sandbox.run("sleep_forever.py", options: ["--stdin", path, "--time-limit-ms", "1000"])
        run.expectKilled("wall_time_limit")
        #expect(run.report.facts["stdin_bytes"] == "0", "\(run.report)")
        run.expectHostUnaffected()
    }

    @Test func fifoWhoseWriterNeverWrites_blocksTheProgramOnly_untilTheTimeLimit() throws {
        let path = try Self.fifo()
        defer { unlink(path) }
        // Both ends, without blocking (Linux): a writer that never writes or closes.
        let writer = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        #expect(writer >= 0)
        defer { close(writer) }
        let run = try Sandbox.run("sleep_forever.py", options: ["--stdin", path, "--time-limit-ms", "1000"])
        run.expectKilled("wall_time_limit")
        #expect(run.report.facts["stdin_bytes"] == nil, "the read must still be blocked: \(run.report)")
        run.expectHostUnaffected()
    }
}
