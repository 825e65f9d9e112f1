import KaiRegistry

/// The circuit breaker's state machine, on one target's registry row:
/// closed → open after `failures` hop failures within `window_s`; open →
/// half-open after `cooldown_s`, when exactly one call claims the probe;
/// half-open → closed after `successes` consecutive successes (one probe at
/// a time), or back to open on a failure. Pure: CircuitBreaker runs these
/// inside the store's write transaction.
extension BreakerRecord {
    enum Admission: Sendable, Equatable {
        /// Call it; `probe`: this call holds the half-open probe.
        case allowed(probe: Bool)
        /// Skip it: open until `until`, or half-open with a probe in flight.
        case refused(BreakerRecord)
    }

    /// Whether a call may go to the target now; a call let through a
    /// half-open circuit holds the probe until `now + probeLifetime`, after
    /// which a dead owner's claim lapses.
    /// `ownerAlive`: whether the claim's owner still runs (a dead owner's
    /// claim lapses at once, before its lease ends).
    mutating func admit(now: Double, owner: String, probeLifetime: Double, ownerAlive: (String) -> Bool = { _ in true }) -> Admission {
        switch state {
        case .closed:
            return .allowed(probe: false)
        case .open:
            guard let until = openUntil, now >= until else { return .refused(self) }
            state = .halfOpen
            successes = 0
        case .halfOpen:
            if let holder = probeOwner, let expires = probeExpires, now < expires, ownerAlive(holder) { return .refused(self) }
        }
        probeOwner = owner
        probeExpires = now + probeLifetime
        return .allowed(probe: true)
    }

    /// A call through this target answered.
    mutating func succeeded(owner: String, limits: RouterConfig.Breaker) {
        guard state == .halfOpen, probeOwner == owner || probeOwner == nil else { return }
        successes += 1
        probeOwner = nil
        probeExpires = nil
        if successes >= limits.successes {
            state = .closed
            failureTimes = []
            successes = 0
            openedAt = nil
            openUntil = nil
            openReason = nil
        }
    }

    /// A call through this target failed in a way that counts (HopPolicy).
    mutating func failed(now: Double, owner: String, limits: RouterConfig.Breaker) {
        switch state {
        case .closed:
            failureTimes = Array((failureTimes + [now]).filter { now - $0 < limits.windowSeconds }.suffix(limits.failures))
            if failureTimes.count >= limits.failures {
                let count = limits.failures
                open(now: now, limits: limits, reason: "\(count) failure\(count == 1 ? "" : "s") in \(Self.seconds(limits.windowSeconds)) s")
            }
        case .halfOpen:
            // Whoever reports it — the probe, or an earlier probe whose claim
            // lapsed while its call still ran — the target failed a call
            // since the circuit went half-open: it is not healthy.
            open(now: now, limits: limits, reason: "its half-open probe failed")
        case .open:
            break  // admitted before it opened: already counted as open
        }
    }

    /// The probe's owner failed in a way that does not count: the probe is free again.
    mutating func release(owner: String) {
        guard state == .halfOpen, probeOwner == owner else { return }
        probeOwner = nil
        probeExpires = nil
    }

    private mutating func open(now: Double, limits: RouterConfig.Breaker, reason: String) {
        state = .open
        openedAt = now
        openUntil = now + limits.cooldownSeconds
        openReason = reason
        failureTimes = []
        successes = 0
        probeOwner = nil
        probeExpires = nil
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
