import Synchronization

/// Plans of routes that name their target (-m, an agent's provider hint):
/// such a plan is the target and its configured fallbacks, which depend
/// only on the router config and the loaded providers — both fixed for a
/// runtime — and not on scores. An agent run keeps its own (AgentRun), so
/// its turns after the first skip resolving each name against every config
/// target, and runs at once share no lock. Routes the router picks by score
/// are planned every time.
final class RoutePlanCache: Sendable {
    private struct Key: Hashable {
        let explicit: String
        let risk: RouteRequest.Risk
    }

    private let plans = Mutex<[Key: RoutePlan]>([:])
    /// A run asks for a handful of -m spellings at most; past this, stop adding.
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
