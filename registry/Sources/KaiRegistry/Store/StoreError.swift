import Foundation
import GRDB

/// Why the registry store could not do what was asked.
///
/// Messages name the database file and the fix, never row contents: plugin
/// arguments, results and manifests stay out of error text.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The file was migrated by a newer Kai; nothing was written.
        case newerSchema
        /// The file or its directory could not be created or opened.
        case cannotOpen
        /// SQLite failed a statement (busy past the timeout, disk full, corrupt...).
        case database
        /// An argument named something the store does not hold.
        case notFound
        /// An argument the store cannot accept.
        case invalidArgument
        /// SQLite found the file damaged (SQLITE_CORRUPT) or not a database
        /// at all (SQLITE_NOTADB): `kai registry check` says more.
        case damaged
    }

    public let code: Code
    public let message: String
    /// SQLite's primary result code when SQLite failed (5 busy, 8 read-only,
    /// 11 corrupt, 13 full...), so callers can name the fix.
    public var sqliteCode: Int32?
    /// PostgreSQL's SQLSTATE when PostgreSQL failed ("40001", "08006"...).
    public var sqlState: String?

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The one message every query that meets a damaged file gives.
    public static func damaged(path: String?) -> StoreError {
        StoreError(.damaged, "registry database damaged: run `kai registry check`" + (path.map { " (database: \($0))" } ?? ""))
    }

    /// This error with the fix for its cause appended ("; fix"), for a
    /// file that could not be opened; unchanged when there is no fix to name
    /// (a damaged file's message already names `kai registry check`).
    func withOpenFix(path: String) -> StoreError {
        guard let cause, cause != .damaged else { return self }
        var fixed = StoreError(code, message + "; " + cause.fix(database: path))
        fixed.sqliteCode = sqliteCode
        return fixed
    }

    static func newerSchema(file: String, unknownMigration: String) -> StoreError {
        StoreError(.newerSchema, "\(file) was written by a newer Kai (migration '\(unknownMigration)' is unknown to this version); upgrade Kai or point --database at another file")
    }

    /// Wraps a GRDB error without its SQL arguments (GRDB leaves them out of
    /// descriptions unless `publicStatementArguments` is set, which we never do).
    static func wrapping(_ error: any Error, doing action: String, path: String? = nil) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            let primary = error.resultCode.rawValue
            if Cause(sqliteCode: primary) == .damaged {
                var damaged = StoreError.damaged(path: path)
                damaged.sqliteCode = primary
                return damaged
            }
            let detail = error.message ?? "\(error.resultCode)"
            var wrapped = StoreError(.database, "registry: could not \(action): \(detail) (SQLite code \(error.extendedResultCode.rawValue))")
            wrapped.sqliteCode = primary
            return wrapped
        }
        if let error = error as? PostgresError {
            var wrapped = StoreError(.database, "registry: could not \(action): \(error)")
            wrapped.sqlState = error.sqlState
            return wrapped
        }
        return StoreError(.database, "registry: could not \(action): \(error)")
    }
}
