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
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func newerSchema(file: String, unknownMigration: String) -> StoreError {
        StoreError(.newerSchema, "\(file) was written by a newer Kai (migration '\(unknownMigration)' is unknown to this version); upgrade Kai or point --database at another file")
    }

    /// Wraps a GRDB error without its SQL arguments (GRDB leaves them out of
    /// descriptions unless `publicStatementArguments` is set, which we never do).
    static func wrapping(_ error: any Error, doing action: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            let detail = error.message ?? "\(error.resultCode)"
            return StoreError(.database, "registry: could not \(action): \(detail) (SQLite code \(error.extendedResultCode.rawValue))")
        }
        return StoreError(.database, "registry: could not \(action): \(error)")
    }
}
