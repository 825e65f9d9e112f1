import GRDB
import KaiJSON

/// `kai run` sessions and their events: what resume, continue and
/// `kai sessions` read back.
extension RegistryStore {
    /// Stores a new session.
    ///
    /// - Throws: `.invalidArgument` when a session with this id exists.
    public func createSession(_ r: SessionRecord) throws(StoreError) {
        do {
            try pool.write { db in
                guard try !Self.sessionExists(db, id: r.id) else {
                    throw StoreError(.invalidArgument, "registry: session \(r.id) already exists; start the run with a new session id")
                }
                try db.execute(
                    sql: """
                        INSERT INTO sessions (id, agent, status, task, starter_uid, created_at, updated_at,
                            input_tokens, output_tokens, cost_usd, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [r.id, r.agent, r.status, r.task, Int64(r.starterUID), r.createdAt, r.updatedAt,
                                r.inputTokens, r.outputTokens, r.costUSD, r.state.serialized()])
            }
        } catch {
            throw wrapping(error, doing: "create session \(r.id)")
        }
    }

    /// Sets a session's status, state, usage and update time.
    ///
    /// - Throws: `.notFound` when no session has this id.
    public func updateSession(
        id: String, status: String, state: JSONValue, inputTokens: Int, outputTokens: Int, costUSD: Double?, at: Double
    ) throws(StoreError) {
        do {
            try pool.write { db in
                try db.execute(
                    sql: """
                        UPDATE sessions SET status = ?, state = ?, input_tokens = ?, output_tokens = ?, cost_usd = ?,
                            updated_at = ? WHERE id = ?
                        """,
                    arguments: [status, state.serialized(), inputTokens, outputTokens, costUSD, at, id])
                guard db.changesCount > 0 else { throw Self.noSession(id) }
            }
        } catch {
            throw wrapping(error, doing: "update session \(id)")
        }
    }

    /// Appends an event to a session and returns its sequence number (1 for
    /// the first). Numbered inside the write, so concurrent appends to one
    /// session never share a number.
    ///
    /// - Throws: `.notFound` when no session has this id.
    @discardableResult
    public func appendSessionEvent(sessionID: String, kind: String, body: JSONValue, at: Double) throws(StoreError) -> Int {
        do {
            return try pool.write { db in
                guard try Self.sessionExists(db, id: sessionID) else { throw Self.noSession(sessionID) }
                let seq = try Int.fetchOne(
                    db, sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM session_events WHERE session_id = ?",
                    arguments: [sessionID]) ?? 1
                try db.execute(
                    sql: "INSERT INTO session_events (session_id, seq, at, kind, body) VALUES (?, ?, ?, ?, ?)",
                    arguments: [sessionID, seq, at, kind, body.serialized()])
                return seq
            }
        } catch {
            throw wrapping(error, doing: "record an event of session \(sessionID)")
        }
    }

    /// The session with this id, or nil.
    public func session(id: String) throws(StoreError) -> SessionRecord? {
        do {
            return try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE id = ?", arguments: [id]).map(Self.sessionRecord)
            }
        } catch {
            throw wrapping(error, doing: "read session \(id)")
        }
    }

    /// At most `limit` sessions, most recently updated first.
    public func sessions(limit: Int) throws(StoreError) -> [SessionRecord] {
        do {
            return try pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM sessions ORDER BY updated_at DESC, created_at DESC, id LIMIT ?",
                    arguments: [max(limit, 0)]
                ).map(Self.sessionRecord)
            }
        } catch {
            throw wrapping(error, doing: "read the sessions")
        }
    }

    /// A session's events in order; empty for an unknown session.
    public func sessionEvents(sessionID: String) throws(StoreError) -> [SessionEvent] {
        do {
            return try pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM session_events WHERE session_id = ? ORDER BY seq", arguments: [sessionID]
                ).map { row in
                    SessionEvent(
                        sessionID: row["session_id"], seq: row["seq"], at: row["at"], kind: row["kind"],
                        body: try Self.json(row["body"], what: "an event of session \(sessionID)"))
                }
            }
        } catch {
            throw wrapping(error, doing: "read the events of session \(sessionID)")
        }
    }

    /// How many events of `kind` each session has (sessions without any
    /// are left out), in one query: what a listing shows without reading
    /// every event's body.
    public func sessionEventCounts(kind: String, sessionIDs: [String]) throws(StoreError) -> [String: Int] {
        guard !sessionIDs.isEmpty else { return [:] }
        do {
            return try pool.read { db in
                let marks = Array(repeating: "?", count: sessionIDs.count).joined(separator: ", ")
                let rows = try Row.fetchAll(
                    db, sql: "SELECT session_id, COUNT(*) AS n FROM session_events WHERE kind = ? AND session_id IN (\(marks)) GROUP BY session_id",
                    arguments: StatementArguments([kind] + sessionIDs))
                return Dictionary(uniqueKeysWithValues: rows.map { (row: Row) -> (String, Int) in (row["session_id"], row["n"]) })
            }
        } catch {
            throw wrapping(error, doing: "count the sessions' \(kind) events")
        }
    }

    static func sessionExists(_ db: Database, id: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sessions WHERE id = ?)", arguments: [id]) ?? false
    }

    static func noSession(_ id: String) -> StoreError {
        StoreError(.notFound, "registry: no session \(id); see kai sessions list")
    }

    private static func sessionRecord(_ row: Row) throws -> SessionRecord {
        let id: String = row["id"]
        let uid: Int64 = row["starter_uid"]
        return SessionRecord(
            id: id, agent: row["agent"], status: row["status"], task: row["task"],
            starterUID: UInt32(truncatingIfNeeded: uid), createdAt: row["created_at"], updatedAt: row["updated_at"],
            inputTokens: row["input_tokens"], outputTokens: row["output_tokens"], costUSD: row["cost_usd"],
            state: try json(row["state"], what: "the state of session \(id)"))
    }

    /// Parses JSON text the store wrote; text that does not parse means the
    /// file was changed behind kai's back.
    static func json(_ text: String, what: String) throws -> JSONValue {
        do {
            return try JSONParser.parse(Array(text.utf8))
        } catch {
            // Not the parser's message: it may quote the stored text.
            throw StoreError(.database, "registry: \(what) is not valid JSON; the database was changed outside kai")
        }
    }
}
