import Foundation
import KaiCore
import KaiRegistry

/// The router: picks the provider for a call (-m, else the best registry
/// score for the task type), falls back along the configured chain on
/// failures worth a retry elsewhere (HopPolicy), honours a last target's
/// Retry-After within the call's deadline, skips targets whose circuit is
/// open (CircuitBreaker), and keeps high-risk requests on strong-tier
/// providers. The whole chain shares one deadline: each hop gets what is left.
public struct Router: Sendable {
    /// One attempt at one target ("provider/model"), with the options for
    /// it (its share of the deadline, the hops so far): the host's
    /// callProvider by default; the CLI wraps it in its call watchdog.
    public typealias Attempt = @Sendable (_ target: String, _ options: CallOptions) -> Result<ProviderResult, CallError>

    public let config: RouterConfig
    public let configFile: String
    public let host: PluginHost
    public let store: RegistryStore
    public let breaker: CircuitBreaker
    /// Told of every failed attempt (the runtime's supervision across processes).
    let attemptFailed: @Sendable (CallError) -> Void
    /// Without a deadline, the longest Retry-After honoured.
    public static let longestWaitWithoutDeadline = 60.0
    /// The runtime's plans of routes naming their target (nil: plan every call).
    let planCache: RoutePlanCache?

    public init(
        config: RouterConfig, configFile: String, host: PluginHost, store: RegistryStore,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        attemptFailed: @escaping @Sendable (CallError) -> Void = { _ in },
        breakerWriteFailed: @escaping @Sendable (_ target: String, StoreError) -> Void = { _, _ in }
    ) {
        self.init(config: config, configFile: configFile, host: host, store: store, clock: clock, attemptFailed: attemptFailed,
                  breakerWriteFailed: breakerWriteFailed, planCache: nil)
    }

    init(
        config: RouterConfig, configFile: String, host: PluginHost, store: RegistryStore,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        attemptFailed: @escaping @Sendable (CallError) -> Void = { _ in },
        breakerWriteFailed: @escaping @Sendable (_ target: String, StoreError) -> Void = { _, _ in },
        planCache: RoutePlanCache?
    ) {
        self.planCache = planCache
        self.config = config
        self.configFile = configFile
        self.host = host
        self.store = store
        self.breaker = CircuitBreaker(store: store, limits: config.breaker, clock: clock, writeFailed: breakerWriteFailed)
        self.attemptFailed = attemptFailed
    }

    /// The targets a call for `route` would try, in order.
    public func plan(_ route: RouteRequest) throws(RouteFailure) -> RoutePlan {
        let key = { (name: String) in self.key(name) }, entry = { (name: String) in self.configTarget(name) }
        guard route.explicit == nil else {
            let make = { () throws(RouteFailure) -> RoutePlan in
                try RoutePlan.make(config, route, configFile: configFile, key: key, entry: entry) { _ in nil }
            }
            guard let planCache else { return try make() }
            return try planCache.plan(route, make: make)
        }
        let scores = self.scores(taskType: route.taskType)
        return try RoutePlan.make(config, route, configFile: configFile, key: key, entry: entry) { target in
            guard let entry = host.providerIndex.lookup(target.provider) else { return nil }
            return scores[entry.qualifiedName]
        }
    }

    /// Registry scores of the loaded providers for `taskType`, by qualified
    /// name. Scores are per provider capability: every model of a provider
    /// shares its provider's score.
    func scores(taskType: String?) -> [String: Double] {
        (try? store.scores(kind: .provider, taskType: taskType)) ?? [:]
    }

    /// Calls the provider `route` picks with `request` (a chat request),
    /// falling back along the plan. `onFallback` hears of each hop taken
    /// (the failed or skipped target, and the next one) before the next call.
    public func call(
        request: [UInt8], route: RouteRequest, options: CallOptions = CallOptions(),
        onFallback: (@Sendable (RouteHop, String) -> Void)? = nil, attempt: Attempt? = nil
    ) throws(RouteFailure) -> RoutedResult {
        let plan = try self.plan(route)
        let attempt = attempt ?? { [host] target, options in
            do throws(CallError) { return .success(try host.callProvider(target, request: request, options: options)) } catch { return .failure(error) }
        }
        var run = RouteRun(router: self, route: route, options: options, request: request, attempt: attempt)
        return try run.go(plan, onFallback: onFallback)
    }
}

/// A routed call's answer: the result, the target that gave it and the hops before it.
public struct RoutedResult: Sendable {
    public let result: ProviderResult
    public let target: String
    public let hops: [RouteHop]
}

extension Router {
    /// The target a call for `route` would try first, decided as a call
    /// decides it (the plan, with its registry scores, and each target's
    /// breaker read in turn) but without calling anything or claiming a
    /// probe; nil when every target's circuit is open. What the router costs
    /// a request before its first call (bench: KaiBench router).
    public func decide(_ route: RouteRequest) throws(RouteFailure) -> String? {
        let now = breaker.clock()
        for step in try plan(route).steps {
            guard let record = try? store.breaker(target: step.key) else { return step.target }
            switch record.state {
            case .closed: return step.target
            case .open: if let until = record.openUntil, now >= until { return step.target }
            case .halfOpen: if record.probeOwner == nil || (record.probeExpires ?? 0) <= now { return step.target }
            }
        }
        return nil
    }
}
