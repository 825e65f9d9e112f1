import Foundation

extension StoreError {
    /// Why SQLite failed, in the terms its fix is named in. Derived from
    /// SQLite's primary result code here and nowhere else: callers (the
    /// store's open, `kai`'s lost-record report) switch on this.
    public enum Cause: Sendable, Equatable {
        /// SQLITE_FULL: the file system has no room.
        case diskFull
        /// SQLITE_READONLY, SQLITE_CANTOPEN: the file or its directory
        /// cannot be written (modes, a read-only mount).
        case readOnly
        /// SQLITE_BUSY, SQLITE_LOCKED: another process held the lock past
        /// the busy timeout.
        case locked
        /// SQLITE_IOERR: the disk reported an I/O error.
        case ioError
        /// SQLITE_CORRUPT, SQLITE_NOTADB: the file is damaged.
        case damaged

        /// The cause of a SQLite primary result code, or nil for codes with
        /// no fix to name (a constraint, misuse...).
        public init?(sqliteCode: Int32) {
            switch sqliteCode {
            case 13: self = .diskFull
            case 8, 14: self = .readOnly
            case 5, 6: self = .locked
            case 10: self = .ioError
            case 11, 26: self = .damaged
            default: return nil
            }
        }

        /// What the operator should do, as a clause that starts lower-case
        /// and has no final stop: the store's open appends it after "; ",
        /// `kai` capitalizes it into a sentence. One wording for both.
        public func fix(database path: String) -> String {
            let directory = (path as NSString).deletingLastPathComponent
            return switch self {
            case .diskFull:
                "free space on the file system holding \(path)"
            case .readOnly:
                "kai must be able to write \(path) and create files in \(directory): check that they are writable "
                    + "(not on a read-only mount) or give --database another file"
            case .locked:
                "another process held the registry's write lock past the busy timeout: find it with `fuser \(path)`, let it finish"
            case .ioError:
                "the disk holding \(path) reported an I/O error: check it"
            case .damaged:
                "recover it with `kai registry recover --out NEW.sqlite`"
            }
        }
    }

    /// Why SQLite failed, when it did and its code names a fix; `.damaged`
    /// for every damaged-file error.
    public var cause: Cause? {
        if code == .damaged { return .damaged }
        return sqliteCode.flatMap(Cause.init(sqliteCode:))
    }
}
