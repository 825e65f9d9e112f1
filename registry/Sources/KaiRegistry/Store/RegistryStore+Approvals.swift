import KaiJSON

/// Approvals that need other users (policy `approvers: 2` or more): stored
/// when a run pauses, voted on by `kai approvals`, used once by the resumed run.
extension RegistryStore {
    /// Stores a pending approval; its session must exist.
    ///
    /// - Throws: `.invalidArgument` when the id is taken, `.notFound` when
    ///   the session is unknown.
    public func createApproval(_ r: ApprovalRecord) throws(StoreError) {
        do {
            try backend.write { db in
                guard try Self.sessionExists(db, id: r.sessionID) else { throw Self.noSession(r.sessionID) }
                guard try Self.approvalRow(db, id: r.id) == nil else {
                    throw StoreError(.invalidArgument, "registry: approval \(r.id) already exists; request it with a new approval id")
                }
                try db.execute(
                    """
                    INSERT INTO approvals (id, session_id, tool, arguments, arguments_hash, call_id, needed,
                        starter_uid, status, created_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    r.id, r.sessionID, r.tool, r.arguments.serialized(), r.argumentsHash, r.callID,
                    max(r.needed, 1), Int64(r.starterUID), r.status, r.createdAt, r.decidedAt)
                for vote in r.votes { try Self.insertVote(db, approvalID: r.id, vote) }
            }
        } catch {
            throw wrapping(error, doing: "record approval \(r.id)")
        }
    }

    /// The approval with this id and its votes, or nil.
    public func approval(id: String) throws(StoreError) -> ApprovalRecord? {
        do {
            return try backend.read { db in try Self.approvalRecord(db, id: id) }
        } catch {
            throw wrapping(error, doing: "read approval \(id)")
        }
    }

    /// Approvals with this status (every approval when nil), oldest first.
    public func approvals(status: String?) throws(StoreError) -> [ApprovalRecord] {
        do {
            return try backend.read { db in
                let rows = try status.map {
                    try db.rows("SELECT * FROM approvals WHERE status = ? ORDER BY created_at, id", $0)
                } ?? db.rows("SELECT * FROM approvals ORDER BY created_at, id")
                return try rows.map { row in try Self.approvalRecord(row, votes: Self.votes(db, approvalID: row.get("id"))) }
            }
        } catch {
            throw wrapping(error, doing: "read the approvals")
        }
    }

    /// Records `uid`'s vote and decides the approval, in one write
    /// transaction: two approvers voting at once from two processes (or two
    /// hosts) are serialized by the registry's write lock, so each sees the other's vote and
    /// exactly one of them is the one that approves. A deny vote denies it;
    /// the `needed`-th distinct approve vote approves it.
    ///
    /// - Returns: the approval after the vote, with every vote.
    /// - Throws: `.notFound`, `.notPending` (already decided),
    ///   `.starterCannotApprove` (the run's own user), `.alreadyVoted`, or
    ///   `.store` when SQLite fails.
    public func voteOnApproval(id: String, uid: UInt32, approve: Bool, at: Double) throws(ApprovalVoteError) -> ApprovalRecord {
        do {
            return try backend.write { db in try Self.vote(db, id: id, uid: uid, approve: approve, at: at) }
        } catch let error as ApprovalVoteError {
            throw error
        } catch {
            throw .store(wrapping(error, doing: "record a vote on approval \(id)"))
        }
    }

    /// Marks an approved approval used when `argumentsHash` matches the one
    /// it was granted for, so one approval runs one call, once.
    ///
    /// - Returns: true when it was approved and matched (now used); false otherwise.
    public func useApproval(id: String, argumentsHash: String) throws(StoreError) -> Bool {
        do {
            return try backend.write { db in
                try db.execute(
                    "UPDATE approvals SET status = 'used' WHERE id = ? AND status = 'approved' AND arguments_hash = ?",
                    id, argumentsHash) > 0
            }
        } catch {
            throw wrapping(error, doing: "use approval \(id)")
        }
    }

    /// The hash an approval is bound to: SHA-256 (hex) of the tool's name, a
    /// newline, and its arguments as canonical JSON (object keys sorted, no
    /// spaces), so the same call hashes the same whatever the key order.
    public static func argumentsHash(tool: String, arguments: JSONValue) -> String {
        SHA256.hex(Array((tool + "\n" + arguments.serialized(sortedKeys: true)).utf8))
    }

    private static func vote(_ db: any SQLConnection, id: String, uid: UInt32, approve: Bool, at: Double) throws -> ApprovalRecord {
        guard let current = try approvalRecord(db, id: id) else { throw ApprovalVoteError.notFound(id) }
        guard current.status == "pending" else { throw ApprovalVoteError.notPending(id, status: current.status) }
        guard uid != current.starterUID else { throw ApprovalVoteError.starterCannotApprove(id, uid: uid) }
        guard !current.votes.contains(where: { $0.uid == uid }) else { throw ApprovalVoteError.alreadyVoted(id, uid: uid) }
        try insertVote(db, approvalID: id, ApprovalVote(uid: uid, approve: approve, at: at))
        let approvals = current.votes.filter(\.approve).count + (approve ? 1 : 0)
        let status = !approve ? "denied" : approvals >= current.needed ? "approved" : "pending"
        if status != "pending" {
            try db.execute("UPDATE approvals SET status = ?, decided_at = ? WHERE id = ?", status, at, id)
        }
        return try approvalRecord(db, id: id)!
    }

    private static func insertVote(_ db: any SQLConnection, approvalID: String, _ vote: ApprovalVote) throws {
        try db.execute(
            "INSERT INTO approval_votes (approval_id, uid, vote, at) VALUES (?, ?, ?, ?)",
            approvalID, Int64(vote.uid), vote.approve ? "approve" : "deny", vote.at)
    }

    private static func approvalRow(_ db: any SQLConnection, id: String) throws -> SQLRow? {
        try db.row("SELECT * FROM approvals WHERE id = ?", id)
    }

    private static func approvalRecord(_ db: any SQLConnection, id: String) throws -> ApprovalRecord? {
        guard let row = try approvalRow(db, id: id) else { return nil }
        return try approvalRecord(row, votes: votes(db, approvalID: id))
    }

    private static func votes(_ db: any SQLConnection, approvalID: String) throws -> [ApprovalVote] {
        try db.rows("SELECT uid, vote, at FROM approval_votes WHERE approval_id = ? ORDER BY at, uid", approvalID).map { row in
            let uid: Int64 = try row.get(0)
            let vote: String = try row.get(1)
            return ApprovalVote(uid: UInt32(truncatingIfNeeded: uid), approve: vote == "approve", at: try row.get(2))
        }
    }

    private static func approvalRecord(_ row: SQLRow, votes: [ApprovalVote]) throws -> ApprovalRecord {
        let id: String = try row.get("id")
        let uid: Int64 = try row.get("starter_uid")
        return ApprovalRecord(
            id: id, sessionID: try row.get("session_id"), tool: try row.get("tool"),
            arguments: try json(row.get("arguments"), what: "the arguments of approval \(id)"),
            argumentsHash: try row.get("arguments_hash"), callID: try row.get("call_id"), needed: try row.get("needed"),
            starterUID: UInt32(truncatingIfNeeded: uid), status: try row.get("status"), createdAt: try row.get("created_at"),
            decidedAt: try row.get("decided_at"), votes: votes)
    }
}
