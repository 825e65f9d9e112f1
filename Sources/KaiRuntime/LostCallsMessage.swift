import KaiRegistry

/// What was lost when call records could not be written (disk full,
/// read-only file, lock held past the busy timeout, damaged file), why, and
/// the fix, as one message.
enum LostCallsMessage {
    static func text(_ lost: LostCalls, database: String) -> String {
        let names = lost.tools.joined(separator: ", ") + (lost.count > lost.tools.count ? ", ..." : "")
        let what = lost.count == 1
            ? "the call of \(names) ran, but its record could not be written to the registry and is lost"
            : "\(lost.count) calls (\(names)) ran, but their records could not be written to the registry and are lost"
        guard let cause = lost.cause else { return what + "." }
        return "\(what): \(cause.message). \(fix(cause, database: database))"
    }

    /// The fix for each way a write fails, in the registry's words for its
    /// cause (the same the store's open gives), as a sentence.
    static func fix(_ error: StoreError, database: String) -> String {
        guard let kind = error.cause else { return "Check that \(database) is writable and its disk has space, then retry." }
        let fix = kind.fix(database: database)
        let sentence = fix.prefix(1).uppercased() + fix.dropFirst()
        // Once recovered, the new file must be moved into place first.
        return kind == .damaged ? sentence + "." : sentence + ", then retry."
    }
}
