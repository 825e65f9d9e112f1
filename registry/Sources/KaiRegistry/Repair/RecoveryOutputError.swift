/// An error writing to the database `kai registry recover` creates.
///
/// Kept apart from read errors on purpose: a read error is damage in the
/// source, skipped past; a write error (disk full, I/O error, read-only
/// mount) means the recovery itself failed, and must end it loudly rather
/// than count readable rows as unreadable.
struct RecoveryOutputError: Error {
    let underlying: any Error
}

extension RecoveryOutputError {
    /// Runs a write to the new database, wrapping what it throws.
    static func wrapping(_ write: () throws -> Void) throws {
        do {
            try write()
        } catch let error as RecoveryOutputError {
            throw error
        } catch {
            throw RecoveryOutputError(underlying: error)
        }
    }
}
