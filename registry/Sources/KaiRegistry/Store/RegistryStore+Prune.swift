/// `kai logs prune`: trims what grows without bound.
extension RegistryStore {
    /// Deletes call-log rows started before `olderThan` and finished
    /// sessions (any status but paused, interrupted or running) last updated before it,
    /// with their events, approvals and votes, in one transaction. Scores
    /// (performance records and stats) are kept: they are what the registry
    /// learned. Paused, interrupted and running sessions are kept whatever
    /// their age: a pending approval is never pulled from under a run, and
    /// a run cut short (Ctrl-C, a crash) can still be resumed.
    ///
    /// - Returns: how many call-log rows and sessions were deleted.
    public func pruneLogs(olderThan: Double) throws(StoreError) -> (calls: Int, sessions: Int) {
        flush()
        do {
            return try backend.write { db in
                let calls = try db.execute("DELETE FROM call_log WHERE started_at < ?", olderThan)
                // SessionRecord.unfinishedStatuses. Events, approvals and
                // votes go by ON DELETE CASCADE.
                let sessions = try db.execute(
                    "DELETE FROM sessions WHERE updated_at < ? AND status NOT IN ('paused', 'interrupted', 'running')",
                    olderThan)
                return (calls, sessions)
            }
        } catch {
            throw wrapping(error, doing: "prune the call log and sessions")
        }
    }
}
