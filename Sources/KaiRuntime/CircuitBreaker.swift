import Foundation
import KaiRegistry

/// The circuit breakers of the router's targets, kept in the registry so
/// every kai process shares them. Time comes from `clock` (seconds since
/// 1970; tests move it instead of waiting). A registry that cannot be read
/// or written lets calls through (fails open): a broken breaker must not
/// take every provider down with it.
public struct CircuitBreaker: Sendable {
    public let store: RegistryStore
    public let limits: RouterConfig.Breaker
    public let clock: @Sendable () -> Double

    public init(store: RegistryStore, limits: RouterConfig.Breaker, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.store = store
        self.limits = limits
        self.clock = clock
    }

    /// Whether a call may go to `target` now. A closed circuit is only
    /// read (no write lock); anything else is decided in one write transaction.
    func admit(_ target: String, owner: String, probeLifetime: Double?) -> BreakerRecord.Admission {
        let now = clock()
        guard let current = try? store.breaker(target: target), current.state != .closed else { return .allowed(probe: false) }
        let lifetime = probeLifetime ?? limits.cooldownSeconds
        return (try? store.updateBreaker(target: target, now: now) { $0.admit(now: now, owner: owner, probeLifetime: lifetime) })
            ?? .allowed(probe: false)
    }

    func succeeded(_ target: String, owner: String, probe: Bool) {
        // A success through a closed circuit changes nothing: no write.
        guard probe else { return }
        let limits = self.limits
        _ = try? store.updateBreaker(target: target, now: clock()) { $0.succeeded(owner: owner, limits: limits) }
    }

    func failed(_ target: String, owner: String) {
        let now = clock(), limits = self.limits
        _ = try? store.updateBreaker(target: target, now: now) { $0.failed(now: now, owner: owner, limits: limits) }
    }

    func release(_ target: String, owner: String) {
        _ = try? store.updateBreaker(target: target, now: clock()) { $0.release(owner: owner) }
    }

    /// The state of `target` as people read it: "closed", "half-open",
    /// "open until 14:03:07 (5 failures in 60 s)".
    public func describe(_ target: String, timeZone: TimeZone = .current) -> String {
        guard let record = try? store.breaker(target: target) else { return "unknown (the registry could not be read)" }
        return Self.describe(record, now: clock(), timeZone: timeZone)
    }

    public static func describe(_ record: BreakerRecord, now: Double, timeZone: TimeZone = .current) -> String {
        switch record.state {
        case .closed:
            return "closed"
        case .halfOpen:
            // A probe in flight: the circuit refuses everyone else until it ends.
            if record.probeOwner != nil, let expires = record.probeExpires, now < expires { return "half-open, probed by another call" }
            return "half-open"
        case .open:
            guard let until = record.openUntil else { return "open" }
            // Past its cooldown an open circuit lets the next call probe it.
            if now >= until { return "half-open" }
            return "open until \(clockTime(until, timeZone: timeZone))" + (record.openReason.map { " (\($0))" } ?? "")
        }
    }

    /// "14:03:07" in `timeZone`.
    public static func clockTime(_ seconds: Double, timeZone: TimeZone = .current) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: seconds.rounded(.up)))
    }
}
