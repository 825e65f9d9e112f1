import Foundation
import GRDB

/// `kai registry check`: what SQLite's integrity check finds in a registry
/// file, and which tables can no longer be read in full. Opens the file
/// read-only and never writes it.
public enum RegistryIntegrity {
    public struct Report: Sendable, Equatable {
        /// The lines of `PRAGMA integrity_check`; empty when it says "ok".
        public var problems: [String]
        /// Tables a full scan could not read to the end, with SQLite's reason.
        public var unreadableTables: [(name: String, reason: String)]

        public var isSound: Bool { problems.isEmpty && unreadableTables.isEmpty }
        /// Nothing in the file is readable: it is not a database at all.
        public var isNotADatabase: Bool { problems == [RegistryIntegrity.notADatabase] }

        public static func == (a: Report, b: Report) -> Bool {
            a.problems == b.problems && a.unreadableTables.map(\.name) == b.unreadableTables.map(\.name)
        }
    }

    /// Runs SQLite's integrity check on `path`, then scans every table.
    ///
    /// - Throws: `.notFound` when there is no file at `path`; `.cannotOpen`
    ///   when it cannot be opened at all. A file that is not a database is a report (its
    ///   one problem says so), not an error.
    public static func check(path: String) throws(StoreError) -> Report {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.notFound, "no registry database at \(path); give --database the file to check")
        }
        let queue: DatabaseQueue
        do {
            queue = try RegistryRecovery.openReadOnly(path)
        } catch where error.code == .damaged {
            return Report(problems: [error.sqliteCode == 26 ? notADatabase : unreadableSchema], unreadableTables: [])
        }
        defer { try? queue.close() }
        let tables: [String]
        do {
            tables = try queue.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            }
        } catch let error as DatabaseError where StoreError.Cause(sqliteCode: error.resultCode.rawValue) == .damaged {
            return Report(problems: [error.resultCode == .SQLITE_NOTADB ? notADatabase : unreadableSchema], unreadableTables: [])
        } catch {
            throw StoreError.wrapping(error, doing: "check \(path)")
        }
        return Report(problems: integrityCheck(queue), unreadableTables: tables.compactMap { table in
            scanError(queue, table).map { (table, $0) }
        })
    }

    static let notADatabase = "not a SQLite database: its header is damaged or it is another kind of file"
    static let unreadableSchema = "SQLite cannot read its schema (page 1): database disk image is malformed"

    /// The lines of `PRAGMA integrity_check` other than "ok". SQLite stops
    /// the check with an error on some damage; that error is the one line.
    private static func integrityCheck(_ queue: DatabaseQueue) -> [String] {
        do {
            return try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }.filter { $0 != "ok" }
        } catch {
            return ["the check stopped: \((error as? DatabaseError)?.message ?? "\(error)")"]
        }
    }

    /// Why a full scan of `table` fails, or nil when every row reads.
    private static func scanError(_ queue: DatabaseQueue, _ table: String) -> String? {
        do {
            try queue.read { db in
                let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)")
                while try rows.next() != nil {}
            }
            return nil
        } catch {
            return (error as? DatabaseError)?.message ?? "\(error)"
        }
    }
}
