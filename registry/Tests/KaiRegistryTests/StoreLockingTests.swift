import Foundation
import KaiCore
@testable import KaiRegistry
import Testing

/// Another process holding the write lock must make a write wait, not fail.
struct StoreLockingTests {
    /// Starts python3 holding BEGIN EXCLUSIVE on `path` for `seconds`;
    /// returns once the lock is held.
    static func holdLock(_ path: String, seconds: Double) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(float(sys.argv[2]))
            db.execute("COMMIT")
            """, path, String(seconds)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let line = String(decoding: output.fileHandleForReading.readData(ofLength: 7), as: UTF8.self)
        guard line.hasPrefix("locked") else { throw StoreError(.database, "lock holder failed to start") }
        return process
    }

    @Test(.timeLimit(.minutes(1)))
    func write_whileAnotherProcessHoldsTheLock_waitsAndSucceeds() throws {
        let fixture = try StoreFixture()
        let holder = try Self.holdLock(fixture.path, seconds: 1)
        let start = Date()
        try fixture.plugin("p", [("t", [])])
        fixture.calls("p", "t", count: 1)
        let waited = Date().timeIntervalSince(start)
        holder.waitUntilExit()
        #expect(holder.terminationStatus == 0)
        #expect(waited > 0.5, "the write should have waited for the lock")
        #expect(fixture.errors.all.isEmpty)
        #expect(try fixture.store.logs().count == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func write_whenTheLockOutlastsTheTimeout_failsWithDatabaseError() throws {
        let fixture = try StoreFixture(busyTimeoutSeconds: 0.2)
        let holder = try Self.holdLock(fixture.path, seconds: 2)
        defer { holder.waitUntilExit() }
        let identity = FileIdentity(path: "/x.so", size: 1, mtimeNanoseconds: 1, inode: 1)
        let error = try #require(throws: StoreError.self) {
            try fixture.store.recordPlugin(PluginRow(id: "p", identity: identity, manifestJSON: nil, failureReason: "x", sha256: "0"))
        }
        #expect(error.code == .database)
        #expect(error.message == "registry: could not record plugin 'p': database is locked (SQLite code 5)")
    }
}
