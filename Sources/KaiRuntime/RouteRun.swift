import Foundation
import KaiCore
import KaiRegistry

/// One routed call in progress: walks the plan, one attempt per target,
/// under the call's single deadline.
struct RouteRun {
    let router: Router
    let route: RouteRequest
    let options: CallOptions
    let request: [UInt8]
    let attempt: Router.Attempt
    /// Names this call's half-open probe claims across processes.
    let owner = ProbeOwner.next()
    let deadline: Int64?
    var hops: [RouteHop] = []

    init(router: Router, route: RouteRequest, options: CallOptions, request: [UInt8], attempt: @escaping Router.Attempt) {
        self.router = router
        self.route = route
        self.options = options
        self.request = request
        self.attempt = attempt
        deadline = options.timeout.map { MonotonicClock.deadline(after: $0) }
    }

    /// Seconds left before the call's deadline; nil without one.
    var secondsLeft: Double? { deadline.map { Double($0 - MonotonicClock.now()) / 1e9 } }

    /// Whether a DEADLINE_EXCEEDED can be the provider's own timeout: a
    /// plugin that stops at the call's deadline may return a moment before
    /// the host sees it pass (timer granularity), so a sliver is the call's.
    var deadlineLeft: Bool { (secondsLeft ?? 1) > 0.1 }

    mutating func go(_ plan: RoutePlan, onFallback: (@Sendable (RouteHop, String) -> Void)?) throws(RouteFailure) -> RoutedResult {
        // The last failed attempt: its error, and where its hop is in `hops`;
        // and the last one that failed a call (not a target left out as not loaded).
        var last: (error: CallError, hop: Int)?
        var lastReal: (error: CallError, hop: Int)?
        for (index, step) in plan.steps.enumerated() {
            let isLast = index == plan.steps.count - 1
            if let last, options.cancellation?.isCancelled == true || (secondsLeft ?? 1) <= 0 {
                throw .call(last.error, hops: Self.removing(last.hop, from: hops))
            }
            let outcome = try attemptOnce(step, explicitFirst: index == 0 && route.explicit != nil, isLast: isLast)
            switch outcome {
            case .answered(let result):
                return result
            case .skipped(let hop):
                hops.append(hop)
            case .failed(let hop, let error):
                last = (error, hops.count)
                if !Self.notLoaded(error) { lastReal = last }
                hops.append(hop)
            }
            if !isLast, let hop = hops.last { onFallback?(hop, plan.steps[index + 1].target) }
        }
        guard let last else {
            throw .allOpen(hops: hops, risk: route.risk, configFile: router.configFile)
        }
        // A fallback that is not loaded did not fail: the failure that sent
        // the call to it is the one to report, naming the missing fallbacks.
        if Self.notLoaded(last.error), let real = lastReal {
            let after = hops[(real.hop + 1)...]
            let missing = after.filter { Self.notLoadedKinds.contains($0.errorKind) }.map(\.target)
            let tried = Array(hops[..<real.hop]) + after.filter { !Self.notLoadedKinds.contains($0.errorKind) }
            throw .fallbackNotLoaded(real.error, missing: missing, hops: tried)
        }
        // The failure's own hop is the error itself, not a step before it.
        throw .call(last.error, hops: Self.removing(last.hop, from: hops))
    }

    private static let notLoadedKinds: Set<String> = [
        ErrorKind.providerNotFound.rawValue, ErrorKind.pluginNotActive.rawValue, ErrorKind.pluginDisabled.rawValue,
    ]

    /// A target skipped because its provider is not loaded or is off: no call was made.
    static func notLoaded(_ error: CallError) -> Bool { notLoadedKinds.contains(error.kind.rawValue) }

    private static func removing(_ index: Int, from hops: [RouteHop]) -> [RouteHop] {
        var rest = hops
        rest.remove(at: index)
        return rest
    }

    enum Outcome {
        case answered(RoutedResult)
        case skipped(RouteHop)
        case failed(RouteHop, CallError)
    }

    /// One target: the call (if its circuit lets it through) and what a
    /// failure means for the chain. Throws when the chain must stop here.
    private mutating func attemptOnce(_ step: RoutePlan.Step, explicitFirst: Bool, isLast: Bool) throws(RouteFailure) -> Outcome {
        let target = step.target
        switch tryTarget(step) {
        case .refused(let record):
            let state = CircuitBreaker.describe(record, now: router.breaker.clock())
            return .skipped(RouteHop(target: target, errorKind: RouteHop.circuitOpen, message: state))
        case .answered(let result):
            return .answered(RoutedResult(result: result, target: target, hops: hops))
        case .failed(let error, let decision):
            // -m naming no loaded provider is the caller's mistake (exit 66), not a hop.
            guard case .next = decision, !(explicitFirst && error.kind == .providerNotFound) else {
                throw .call(error, hops: hops)
            }
            if isLast, let wait = error.retryAfterSeconds {
                return try retryAfter(wait, step: step, error: error)
            }
            return .failed(hop(target, error), error)
        }
    }

    /// The last target asked to wait (429/503 with Retry-After): wait, if
    /// that ends before the deadline, and try it once more.
    private mutating func retryAfter(_ wait: Int, step: RoutePlan.Step, error: CallError) throws(RouteFailure) -> Outcome {
        let target = step.target
        let limit = secondsLeft ?? Router.longestWaitWithoutDeadline
        guard Double(wait) < limit else {
            throw .retryAfterPastDeadline(error, waitSeconds: wait, secondsLeft: limit, hops: hops)
        }
        guard Self.sleep(Double(wait), cancellation: options.cancellation) else { throw .call(error, hops: hops) }
        let before = hops
        hops.append(hop(target, error))
        switch tryTarget(step) {
        case .refused: throw .call(error, hops: before)
        case .answered(let result): return .answered(RoutedResult(result: result, target: target, hops: hops))
        case .failed(let again, _): throw .call(again, hops: hops)
        }
    }

    private enum Try {
        case refused(BreakerRecord)
        case answered(ProviderResult)
        case failed(CallError, HopPolicy.Decision)
    }

    /// The breaker's admission, the call with what is left of the deadline,
    /// and the breaker told how it went (only failures that count; a probe
    /// whose call failed otherwise is freed for the next caller).
    private func tryTarget(_ step: RoutePlan.Step) -> Try {
        let breaker = router.breaker, target = step.target, key = step.key
        let probe: Bool
        switch breaker.admit(key, owner: owner, probeLifetime: secondsLeft) {
        case .refused(let record): return .refused(record)
        case .allowed(let isProbe): probe = isProbe
        }
        var callOptions = options
        callOptions.timeout = secondsLeft.map { max($0, 0) }
        callOptions.routeHops = hops
        switch attempt(target, callOptions) {
        case .success(let result):
            breaker.succeeded(key, owner: owner, probe: probe)
            return .answered(result)
        case .failure(let error):
            router.attemptFailed(error)
            let decision = HopPolicy.decide(error, deadlineLeft: deadlineLeft)
            if decision == .next(counts: true) {
                breaker.failed(key, owner: owner)
            } else if probe {
                breaker.release(key, owner: owner)
            }
            return .failed(error, decision)
        }
    }

    private func hop(_ target: String, _ error: CallError) -> RouteHop {
        RouteHop(target: target, errorKind: error.kind.rawValue, code: error.code.description, message: error.description(for: .provider))
    }

    /// Sleeps `seconds`, waking early (false) when the call is cancelled.
    static func sleep(_ seconds: Double, cancellation: CancellationToken?) -> Bool {
        let end = MonotonicClock.deadline(after: seconds)
        while MonotonicClock.now() < end {
            if cancellation?.isCancelled == true { return false }
            let slice = min(Double(end - MonotonicClock.now()) / 1e9, 0.02)
            if slice > 0 { usleep(UInt32(slice * 1e6)) }
        }
        return cancellation?.isCancelled != true
    }
}
