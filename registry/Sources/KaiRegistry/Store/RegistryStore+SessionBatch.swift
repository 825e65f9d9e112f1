import KaiJSON

/// One event for `recordSession`, numbered when written.
public struct SessionEventDraft: Sendable, Equatable {
    public var kind: String
    public var body: JSONValue
    /// Seconds since 1970.
    public var at: Double

    public init(kind: String, body: JSONValue, at: Double) {
        self.kind = kind
        self.body = body
        self.at = at
    }
}

/// A session's new status, state and usage for `recordSession`.
public struct SessionUpdate: Sendable, Equatable {
    public var status: String
    public var state: JSONValue
    public var inputTokens: Int
    public var outputTokens: Int
    public var costUSD: Double?
    public var at: Double

    public init(status: String, state: JSONValue, inputTokens: Int, outputTokens: Int, costUSD: Double?, at: Double) {
        self.status = status
        self.state = state
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
        self.at = at
    }
}

extension RegistryStore {
    /// Appends `events` to a session, in order, numbered after its last,
    /// and applies `update` when given — in one transaction. What a run's
    /// recorder writes: a step's events and the state after it at one
    /// commit (a commit per event cost ~0.25 ms of a run's step).
    ///
    /// - Throws: `.notFound` when no session has this id (nothing is written).
    public func recordSession(id: String, events: [SessionEventDraft], update: SessionUpdate?) throws(StoreError) {
        guard !events.isEmpty || update != nil else { return }
        do {
            try backend.write { db in try Self.record(db, id: id, events: events, update: update) }
        } catch {
            throw wrapping(error, doing: "record session \(id)")
        }
    }

    /// `recordSession` for several sessions in one transaction (all or
    /// nothing): what the runtime's session writer commits when runs go on
    /// at once.
    ///
    /// - Throws: `.notFound` when one of the sessions does not exist (nothing is written).
    public func recordSessions(_ batches: [(id: String, events: [SessionEventDraft], update: SessionUpdate?)]) throws(StoreError) {
        guard batches.contains(where: { !$0.events.isEmpty || $0.update != nil }) else { return }
        do {
            try backend.write { db in
                for batch in batches { try Self.record(db, id: batch.id, events: batch.events, update: batch.update) }
            }
        } catch {
            throw wrapping(error, doing: "record sessions \(batches.map(\.id).joined(separator: ", "))")
        }
    }

    private static func record(_ db: any SQLConnection, id: String, events: [SessionEventDraft], update: SessionUpdate?) throws {
        guard !events.isEmpty || update != nil else { return }
        // Prepared once per connection (both backends cache statements):
        // preparing these on every commit was ~18% of a recorded agent step.
        guard try sessionExists(db, id: id) else { throw noSession(id) }
        var seq = try db.scalar("SELECT COALESCE(MAX(seq), 0) FROM session_events WHERE session_id = ?", id, as: Int.self) ?? 0
        for event in events {
            seq += 1
            try db.execute(
                "INSERT INTO session_events (session_id, seq, at, kind, body) VALUES (?, ?, ?, ?, ?)",
                id, seq, event.at, event.kind, event.body.serialized())
        }
        if let u = update {
            try db.execute(
                """
                UPDATE sessions SET status = ?, state = ?, input_tokens = ?, output_tokens = ?, cost_usd = ?,
                    updated_at = ? WHERE id = ?
                """, u.status, u.state.serialized(), u.inputTokens, u.outputTokens, u.costUSD, u.at, id)
        }
    }
}
