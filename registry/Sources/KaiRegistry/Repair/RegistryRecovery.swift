import Foundation
import GRDB

/// `kai registry recover`: copies every row SQLite can still read from a
/// damaged registry into a new database with the current schema.
///
/// The system SQLite library has no recovery API (`.recover` lives in the
/// sqlite3 shell), so this copies table by table. A rowid table is read in
/// rowid order; where a read fails, the next readable rowid is found by
/// probing ahead (doubling the step, then bisecting back), so one damaged
/// page costs the rows on it, not the rest of the table. A WITHOUT ROWID
/// table (small, derived tables) is copied up to its first unreadable row.
public enum RegistryRecovery {
    public struct TableResult: Sendable, Equatable {
        public var name: String
        /// Rows written to the new database.
        public var copied: Int
        /// Stretches of rows skipped because SQLite could not read them.
        public var skipped: Int
    }

    /// Recovers `source` into `destination`, which must not exist yet.
    ///
    /// - Throws: `.notFound` when `source` does not exist; `.invalidArgument`
    ///   when `destination` exists; `.damaged`
    ///   when not even the schema of `source` can be read; `.cannotOpen`,
    ///   naming `destination`, when it cannot be written (a write error is
    ///   never taken for damage in `source`).
    public static func recover(from source: String, to destination: String) throws(StoreError) -> [TableResult] {
        guard FileManager.default.fileExists(atPath: source) else {
            throw StoreError(.notFound, "no registry database at \(source); give --database the damaged file to recover")
        }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError(.invalidArgument, "\(destination) already exists; recover writes only to a new file: give --out a path that does not exist")
        }
        let input: DatabaseQueue
        do {
            input = try openReadOnly(source)
        } catch where error.code == .damaged {
            throw StoreError(.damaged, "nothing in \(source) can be read: it is not a SQLite database (its header is damaged or it is another kind of file)")
        }
        defer { try? input.close() }
        let tables: [String]
        do {
            tables = try input.read { db in
                try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table'
                    AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations' ORDER BY name
                    """)
            }
        } catch {
            throw StoreError(.damaged, "nothing in \(source) can be read: \(StoreError.wrapping(error, doing: "read its schema").message)")
        }
        // Checked first, as the store's open would, but without its fix for
        // --database: here the file to change is --out.
        let directory = (destination as NSString).deletingLastPathComponent
        if let unwritable = RegistryStore.unwritable(path: destination, directory: directory.isEmpty ? "." : directory) {
            throw outputFailed(unwritable, destination)
        }
        let store: RegistryStore
        do {
            store = try RegistryStore(path: destination, options: RegistryStore.Options(flushDelaySeconds: 0))
        } catch {
            throw outputFailed(error, destination)
        }
        do {
            return try store.pool.writeWithoutTransaction { output in
                // Rows whose parents were on a damaged page are kept: the log
                // and records outlive what they point at.
                try output.execute(sql: "PRAGMA foreign_keys = OFF")
                defer { try? output.execute(sql: "PRAGMA foreign_keys = ON") }
                var results: [TableResult] = []
                try output.inTransaction {
                    for table in tables {
                        guard let result = try copy(table, from: input, to: output) else { continue }
                        results.append(result)
                    }
                    return .commit
                }
                return results
            }
        } catch let error as RecoveryOutputError {
            throw outputFailed(error.underlying, destination)
        } catch let error as DatabaseError where StoreError.Cause(sqliteCode: error.resultCode.rawValue) == .damaged {
            throw StoreError.wrapping(error, doing: "read \(source)", path: source)
        } catch {
            // The commit, or preparing the new tables: the output again.
            throw outputFailed(error, destination)
        }
    }

    /// Why the new database could not be written, naming it: the recovery
    /// failed, whatever the source holds.
    private static func outputFailed(_ error: any Error, _ destination: String) -> StoreError {
        let detail: String
        let sqliteCode: Int32?
        if let error = error as? StoreError {
            (detail, sqliteCode) = (error.message, error.sqliteCode)
        } else if let error = error as? DatabaseError {
            detail = "\(error.message ?? "\(error.resultCode)") (SQLite code \(error.extendedResultCode.rawValue))"
            sqliteCode = error.resultCode.rawValue
        } else {
            (detail, sqliteCode) = ("\(error)", nil)
        }
        var failed = StoreError(.cannotOpen, "cannot write the recovered database \(destination): \(detail). "
            + "Nothing was recovered: give --out a new file on a writable file system with free space (and delete \(destination) if it was created)")
        failed.sqliteCode = sqliteCode
        return failed
    }

    static func openReadOnly(_ path: String) throws(StoreError) -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            let wrapped = StoreError.wrapping(error, doing: "open it", path: path)
            if wrapped.code == .damaged { throw wrapped }
            throw StoreError(.cannotOpen, "cannot open \(path): \(wrapped.message)")
        }
    }

    /// Copies one table's readable rows; nil when the new schema has no such table.
    private static func copy(_ table: String, from input: DatabaseQueue, to output: Database) throws -> TableResult? {
        let targetColumns = try output.columns(in: table).map(\.name)
        guard !targetColumns.isEmpty else { return nil }
        let sourceColumns = Set(try input.read { db in try db.columns(in: table).map(\.name) })
        let columns = targetColumns.filter(sourceColumns.contains)
        let list = columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
        let insert = try output.makeStatement(sql: """
            INSERT OR IGNORE INTO \(table.quotedDatabaseIdentifier) (\(list))
            VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
            """)
        var result = TableResult(name: table, copied: 0, skipped: 0)
        let write: (Row) throws -> Void = { row in
            try insert.execute(arguments: StatementArguments(columns.map { row[$0] as DatabaseValue }))
            result.copied += 1
        }
        let hasRowid = (try? input.read { db in try db.execute(sql: "SELECT rowid FROM \(table.quotedDatabaseIdentifier) LIMIT 0") }) != nil
        if hasRowid {
            try RowidScan(table: table, columns: list, input: input).run(write) { result.skipped += 1 }
        } else {
            do {
                try input.read { db in
                    let rows = try Row.fetchCursor(db, sql: "SELECT \(list) FROM \(table.quotedDatabaseIdentifier)")
                    while let row = try rows.next() { try RecoveryOutputError.wrapping { try write(row) } }
                }
            } catch let error as DatabaseError where StoreError.Cause(sqliteCode: error.resultCode.rawValue) == .damaged {
                result.skipped += 1
            }
        }
        return result
    }
}
