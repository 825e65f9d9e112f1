import Synchronization

/// Plans of routes that name their target (-m, an agent's provider hint):
/// such a plan is the target and its configured fallbacks, which depend
/// only on the router config and the loaded providers — both fixed for a
/// runtime — and not on scores. Worked out once per runtime instead of on
/// every model turn (resolving each name against every config target).
/// Routes the router picks by score are planned every time.
final class RoutePlanCache: Sendable {
    private struct Key: Hashable {
        let explicit: String
        let risk: RouteRequest.Risk
    }

    private let plans = Mutex<[Key: RoutePlan]>([:])
    /// A runtime serves a handful of -m spellings; past this, stop adding.
    private static let limit = 64

    func plan(_ route: RouteRequest, make: () throws(RouteFailure) -> RoutePlan) throws(RouteFailure) -> RoutePlan {
        guard let explicit = route.explicit else { return try make() }
        let key = Key(explicit: explicit, risk: route.risk)
        if let known = plans.withLock({ $0[key] }) { return known }
        let made = try make()
        plans.withLock { if $0.count < Self.limit { $0[key] = made } }
        return made
    }
}
