import Foundation
import GRDB
@testable import KaiRegistry
import Testing

/// Review item 12: `kai registry recover` tells an error writing its new
/// database from damage in the file it reads. A write error (disk full, I/O
/// error) ends the recovery; it never counts readable rows as unreadable.
struct RecoveryOutputTests {
    /// A sound source table of `rows` rows.
    static func source(rows: Int) throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (v INTEGER)")
            for value in 1...rows { try db.execute(sql: "INSERT INTO t (v) VALUES (?)", arguments: [value]) }
        }
        return queue
    }

    @Test func rowidScan_whenWritingARowFailsWithAnIOError_throwsItAsAnOutputErrorAndSkipsNothing() throws {
        let scan = RowidScan(table: "t", columns: "\"v\"", input: try Self.source(rows: 20))
        var written = 0, skipped = 0
        let thrown = #expect(throws: RecoveryOutputError.self) {
            try scan.run({ _ in
                written += 1
                if written == 5 { throw DatabaseError(resultCode: .SQLITE_IOERR, message: "disk I/O error") }
            }, skipped: { skipped += 1 })
        }
        #expect((thrown?.underlying as? DatabaseError)?.resultCode == .SQLITE_IOERR)
        #expect(skipped == 0, "a write error is not damage in the source")
        #expect(written == 5, "the scan stops at the failed write")
    }

    @Test func rowidScan_onASoundTable_writesEveryRow() throws {
        let scan = RowidScan(table: "t", columns: "\"v\"", input: try Self.source(rows: 20))
        var written: [Int64] = [], skipped = 0
        try scan.run({ row in written.append(row["v"]) }, skipped: { skipped += 1 })
        #expect(written == Array(1...20))
        #expect(skipped == 0)
    }
}
