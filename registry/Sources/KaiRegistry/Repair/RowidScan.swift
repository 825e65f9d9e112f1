import GRDB

/// Reads a rowid table in rowid order past damaged pages: a read that fails
/// resumes at the next rowid SQLite can read, found by probing ahead.
struct RowidScan {
    let table: String
    /// The quoted column list to read.
    let columns: String
    let input: DatabaseQueue

    /// Calls `write` with every readable row and `skipped` once per stretch
    /// of unreadable rows.
    ///
    /// - Throws: `RecoveryOutputError` wrapping whatever `write` throws (it
    ///   writes another database: its errors are never damage in this one).
    func run(_ write: (Row) throws -> Void, skipped: () -> Void) throws {
        var start = Int64.min
        while true {
            var last: Int64?
            do {
                try input.read { db in
                    let rows = try Row.fetchCursor(db, sql: """
                        SELECT rowid AS kai_rowid, \(columns) FROM \(table.quotedDatabaseIdentifier)
                        WHERE rowid >= ? ORDER BY rowid
                        """, arguments: [start])
                    while let row = try rows.next() {
                        try RecoveryOutputError.wrapping { try write(row) }
                        last = row["kai_rowid"]
                    }
                }
                return
            } catch let error as DatabaseError where Self.isDamage(error) {
                skipped()
                let failedAfter = last ?? (start == Int64.min ? Int64.min : start - 1)
                guard var next = nextReadable(after: failedAfter) else { return }
                // A row the probe read but the scan could not: skip it too.
                if next == start && last == nil {
                    guard let further = nextReadable(after: next) else { return }
                    next = further
                }
                start = next
            }
        }
    }

    /// The smallest rowid > `after` from which a read succeeds (or the end:
    /// nil), found by doubling the step until a probe reads, then bisecting
    /// back so readable rows just past the damage are kept.
    private func nextReadable(after: Int64) -> Int64? {
        // From the very start, probe from rowid 0: SQLite assigns rowids
        // from 1, and doubling from Int64.min would never reach them.
        var failed = after == Int64.min ? -1 : after, step: Int64 = 1
        while true {
            let (candidate, overflow) = failed.addingReportingOverflow(step)
            if overflow { return nil }
            switch probe(candidate) {
            case .unreadable:
                failed = candidate
                let (doubled, tooBig) = step.multipliedReportingOverflow(by: 2)
                if tooBig { return nil }
                step = doubled
            case .end:
                return bisect(failed, candidate) ?? nil
            case .row(let found):
                return bisect(failed, candidate) ?? found
            }
        }
    }

    /// Between a probe that failed at `low` and one that read at `high`,
    /// the lowest start that reads (its first rowid), if lower than `high`.
    private func bisect(_ low: Int64, _ high: Int64) -> Int64?? {
        var (low, high) = (low, high)
        var best: Int64?? = nil
        while high - low > 1 {
            let middle = low + (high - low) / 2
            switch probe(middle) {
            case .unreadable: low = middle
            case .end: high = middle; best = .some(nil)
            case .row(let found): high = middle; best = found
            }
        }
        return best
    }

    private enum Probe { case unreadable, end, row(Int64) }

    /// Reads the first whole row at or after `rowid`.
    private func probe(_ rowid: Int64) -> Probe {
        do {
            let row = try input.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT rowid AS kai_rowid, \(columns) FROM \(table.quotedDatabaseIdentifier)
                    WHERE rowid >= ? ORDER BY rowid LIMIT 1
                    """, arguments: [rowid])
            }
            guard let row else { return .end }
            return .row(row["kai_rowid"])
        } catch {
            return .unreadable
        }
    }

    /// A read of the source that failed on its pages (damaged, or an I/O
    /// error reading them): skipped past, not fatal.
    static func isDamage(_ error: DatabaseError) -> Bool {
        let cause = StoreError.Cause(sqliteCode: error.resultCode.rawValue)
        return cause == .damaged || cause == .ioError
    }
}
