import KaiRegistry

/// The ordered targets one routed call may try, decided before any call:
/// with -m, that target and its configured fallbacks; without, the routable
/// targets ranked by score (the best one's fallbacks right after it). A
/// high-risk request keeps only strong-tier targets, fallbacks included.
public struct RoutePlan: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        /// The name as the user or the config wrote it (shown, and called).
        public let target: String
        public let tier: RouterConfig.Tier
        /// The resolved name its breaker is kept under (TargetKey).
        public let key: String
    }

    public let steps: [Step]

    /// `score` gives a target's registry score (its provider capability's,
    /// for the request's task type); nil for a target whose provider is not
    /// loaded, which ranks last. Equal scores keep the config's order.
    /// `key` resolves a name to its breaker key and `entry` finds a name's
    /// config target by it (TargetKey; as written when no host is at hand).
    public static func make(
        _ config: RouterConfig, _ route: RouteRequest, configFile: String,
        key: (String) -> String = { $0 }, entry: ((String) -> RouterConfig.Target?)? = nil,
        score: (RouterConfig.Target) -> Double?
    ) throws(RouteFailure) -> RoutePlan {
        let lookup = entry ?? { config.target(named: $0) }
        var names: [String]
        if let explicit = route.explicit {
            let entry = lookup(explicit)
            if route.risk == .high, entry?.tier != .strong {
                throw .notStrong(target: explicit, configFile: configFile)
            }
            names = [explicit] + (entry?.fallbacks ?? [])
        } else {
            var candidates = config.targets
            if route.risk == .high { candidates = candidates.filter { $0.tier == .strong } }
            guard !candidates.isEmpty else {
                throw route.risk == .high ? .noStrongTarget(configFile: configFile) : .noTargets(configFile: configFile)
            }
            let ranked = candidates.enumerated()
                .map { (index: $0.offset, target: $0.element, score: score($0.element) ?? -1) }
                .sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
                .map(\.target)
            names = [ranked[0].name] + ranked[0].fallbacks + ranked.dropFirst().map(\.name)
        }
        // One step per server, however often or however it is spelled.
        var seen = Set<String>()
        let steps = names.map { (name: $0, key: key($0)) }.filter { seen.insert($0.key).inserted }.map { name, key in
            Step(target: name, tier: lookup(name)?.tier ?? .standard, key: key)
        }
        // Fallbacks of another tier are skipped, never used, for a high-risk request.
        return RoutePlan(steps: route.risk == .high ? steps.filter { $0.tier == .strong } : steps)
    }
}
