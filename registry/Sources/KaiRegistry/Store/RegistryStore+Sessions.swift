import KaiJSON

/// `kai run` sessions and their events: what resume, continue and
/// `kai sessions` read back.
extension RegistryStore {
    /// Stores a new session.
    ///
    /// - Throws: `.invalidArgument` when a session with this id exists.
    public func createSession(_ r: SessionRecord) throws(StoreError) {
        do {
            try backend.write { db in
                guard try !Self.sessionExists(db, id: r.id) else {
                    throw StoreError(.invalidArgument, "registry: session \(r.id) already exists; start the run with a new session id")
                }
                try db.execute(
                    """
                    INSERT INTO sessions (id, agent, status, task, starter_uid, created_at, updated_at,
                        input_tokens, output_tokens, cost_usd, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    r.id, r.agent, r.status, r.task, Int64(r.starterUID), r.createdAt, r.updatedAt,
                    r.inputTokens, r.outputTokens, r.costUSD, r.state.serialized())
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
            try backend.write { db in
                let changed = try db.execute(
                    """
                    UPDATE sessions SET status = ?, state = ?, input_tokens = ?, output_tokens = ?, cost_usd = ?,
                        updated_at = ? WHERE id = ?
                    """, status, state.serialized(), inputTokens, outputTokens, costUSD, at, id)
                guard changed > 0 else { throw Self.noSession(id) }
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
            return try backend.write { db in
                guard try Self.sessionExists(db, id: sessionID) else { throw Self.noSession(sessionID) }
                let seq = try db.scalar(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM session_events WHERE session_id = ?", sessionID, as: Int.self) ?? 1
                try db.execute(
                    "INSERT INTO session_events (session_id, seq, at, kind, body) VALUES (?, ?, ?, ?, ?)",
                    sessionID, seq, at, kind, body.serialized())
                return seq
            }
        } catch {
            throw wrapping(error, doing: "record an event of session \(sessionID)")
        }
    }

    /// The session with this id, or nil.
    public func session(id: String) throws(StoreError) -> SessionRecord? {
        do {
            return try backend.read { db in try db.row("SELECT * FROM sessions WHERE id = ?", id).map(Self.sessionRecord) }
        } catch {
            throw wrapping(error, doing: "read session \(id)")
        }
    }

    /// At most `limit` sessions, most recently updated first.
    public func sessions(limit: Int) throws(StoreError) -> [SessionRecord] {
        do {
            return try backend.read { db in
                try db.rows("SELECT * FROM sessions ORDER BY updated_at DESC, created_at DESC, id LIMIT ?", max(limit, 0))
                    .map(Self.sessionRecord)
            }
        } catch {
            throw wrapping(error, doing: "read the sessions")
        }
    }

    /// A session's events in order; empty for an unknown session.
    public func sessionEvents(sessionID: String) throws(StoreError) -> [SessionEvent] {
        do {
            return try backend.read { db in
                try db.rows("SELECT * FROM session_events WHERE session_id = ? ORDER BY seq", sessionID).map { row in
                    SessionEvent(
                        sessionID: try row.get("session_id"), seq: try row.get("seq"), at: try row.get("at"),
                        kind: try row.get("kind"), body: try Self.json(row.get("body"), what: "an event of session \(sessionID)"))
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
            return try backend.read { db in
                let marks = Array(repeating: "?", count: sessionIDs.count).joined(separator: ", ")
                let rows = try db.rows(
                    "SELECT session_id, COUNT(*) AS n FROM session_events WHERE kind = ? AND session_id IN (\(marks)) GROUP BY session_id",
                    ([kind] + sessionIDs).map(SQLValue.text))
                return Dictionary(uniqueKeysWithValues: try rows.map { row -> (String, Int) in (try row.get(0), try row.get(1)) })
            }
        } catch {
            throw wrapping(error, doing: "count the sessions' \(kind) events")
        }
    }

    static func sessionExists(_ db: any SQLConnection, id: String) throws -> Bool {
        try db.scalar("SELECT EXISTS (SELECT 1 FROM sessions WHERE id = ?)", id, as: Bool.self) ?? false
    }

    static func noSession(_ id: String) -> StoreError {
        StoreError(.notFound, "registry: no session \(id); see kai sessions list")
    }

    private static func sessionRecord(_ row: SQLRow) throws -> SessionRecord {
        let id: String = try row.get("id")
        let uid: Int64 = try row.get("starter_uid")
        return SessionRecord(
            id: id, agent: try row.get("agent"), status: try row.get("status"), task: try row.get("task"),
            starterUID: UInt32(truncatingIfNeeded: uid), createdAt: try row.get("created_at"),
            updatedAt: try row.get("updated_at"), inputTokens: try row.get("input_tokens"),
            outputTokens: try row.get("output_tokens"), costUSD: try row.get("cost_usd"),
            state: try json(row.get("state"), what: "the state of session \(id)"))
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
