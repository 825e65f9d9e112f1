import Foundation
import KaiJSON

/// A row of `provider_breakers`: one route target's circuit breaker, as
/// every kai process sees it. The state machine that moves it lives in
/// KaiRuntime (CircuitBreaker); the store only reads and writes it
/// atomically (`RegistryStore.updateBreaker`).
public struct BreakerRecord: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    /// "provider" or "provider/model", as the router names it.
    public var target: String
    public var state: State
    /// Times (seconds since 1970) of the recent hop failures, oldest first.
    public var failureTimes: [Double]
    /// When the circuit last opened, and until when it refuses calls.
    public var openedAt: Double?
    public var openUntil: Double?
    /// Why it opened: "5 failures in 60 s", "the half-open probe failed".
    public var openReason: String?
    /// Consecutive successes while half-open.
    public var successes: Int
    /// The call holding the half-open probe, and when its claim lapses.
    public var probeOwner: String?
    public var probeExpires: Double?
    public var updatedAt: Double

    /// A closed circuit with no failures: what a target without a row is.
    public init(target: String, now: Double) {
        self.target = target
        state = .closed
        failureTimes = []
        successes = 0
        updatedAt = now
    }

    init(row: SQLRow) throws {
        target = try row.get("target")
        state = State(rawValue: try row.get("state")) ?? .closed
        let times: String = try row.get("failure_times")
        failureTimes = ((try? JSONParser.parse(Array(times.utf8)))?.arrayValue ?? []).compactMap(\.doubleValue)
        openedAt = try row.get("opened_at")
        openUntil = try row.get("open_until")
        openReason = try row.get("open_reason")
        successes = try row.get("successes")
        probeOwner = try row.get("probe_owner")
        probeExpires = try row.get("probe_expires")
        updatedAt = try row.get("updated_at")
    }

    func save(_ db: any SQLConnection) throws {
        let times = JSONValue.array(failureTimes.map(JSONValue.number)).serialized()
        try db.execute(
            """
            INSERT INTO provider_breakers (target, state, failure_times, opened_at, open_until, open_reason,
                successes, probe_owner, probe_expires, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (target) DO UPDATE SET state = excluded.state, failure_times = excluded.failure_times,
                opened_at = excluded.opened_at, open_until = excluded.open_until, open_reason = excluded.open_reason,
                successes = excluded.successes, probe_owner = excluded.probe_owner,
                probe_expires = excluded.probe_expires, updated_at = excluded.updated_at
            """,
            target, state.rawValue, times, openedAt, openUntil, openReason, successes, probeOwner, probeExpires, updatedAt)
    }
}
