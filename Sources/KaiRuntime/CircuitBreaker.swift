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
    /// Told when an update could not be written (the call goes on; the
    /// runtime warns once).
    let writeFailed: @Sendable (_ target: String, StoreError) -> Void

    public init(
        store: RegistryStore, limits: RouterConfig.Breaker, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        writeFailed: @escaping @Sendable (_ target: String, StoreError) -> Void = { _, _ in }
    ) {
        self.store = store
        self.limits = limits
        self.clock = clock
        self.writeFailed = writeFailed
    }

    /// One update in the store; nil (and the runtime told) when it could not be written.
    private func update<T: Sendable>(_ target: String, now: Double, _ body: @Sendable (inout BreakerRecord) -> T) -> T? {
        do throws(StoreError) {
            return try store.updateBreaker(target: target, now: now, body)
        } catch {
            writeFailed(target, error)
            return nil
        }
    }

    /// Whether a call may go to `target` now. A closed circuit is only
    /// read, from the store's short-lived cache (RegistryStore.routingBreaker:
    /// no database read per call); anything else is decided in one write
    /// transaction.
    func admit(_ target: String, owner: String, probeLifetime: Double?) -> BreakerRecord.Admission {
        let now = clock()
        guard let current = try? store.routingBreaker(target: target), current.state != .closed else { return .allowed(probe: false) }
        // The probe's lease is the call's deadline; a call without one holds
        // it while its process lives (ProbeOwner), up to a long safety lease.
        let lifetime = probeLifetime ?? Self.probeLeaseWithoutDeadline
        return update(target, now: now) {
            $0.admit(now: now, owner: owner, probeLifetime: lifetime, ownerAlive: ProbeOwner.isAlive)
        } ?? .allowed(probe: false)
    }

    /// How long a probe without a deadline holds its claim at most, should
    /// its owner's process stay alive but never report (a hung call).
    static let probeLeaseWithoutDeadline = 15 * 60.0

    func succeeded(_ target: String, owner: String, probe: Bool) {
        // A success through a closed circuit changes nothing: no write.
        guard probe else { return }
        let limits = self.limits
        _ = update(target, now: clock()) { $0.succeeded(owner: owner, limits: limits) }
    }

    func failed(_ target: String, owner: String) {
        let now = clock(), limits = self.limits
        _ = update(target, now: now) { $0.failed(now: now, owner: owner, limits: limits) }
    }

    func release(_ target: String, owner: String) {
        _ = update(target, now: clock()) { $0.release(owner: owner) }
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
            if let owner = record.probeOwner, let expires = record.probeExpires, now < expires, ProbeOwner.isAlive(owner) {
                return "half-open, probed by another call"
            }
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
