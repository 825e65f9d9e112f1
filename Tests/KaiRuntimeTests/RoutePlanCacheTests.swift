@testable import KaiRuntime
import Testing

/// A route naming its target is planned once per runtime (its plan depends
/// only on the config and the loaded providers); a route the router picks
/// by score is planned every time, and a refused plan is not kept.
@Suite struct RoutePlanCacheTests {
    final class Counter: @unchecked Sendable { var made = 0 }

    static let plan = RoutePlan(steps: [RoutePlan.Step(target: "openai/gpt-4o", tier: .standard, key: "dev.kai.openai.openai/gpt-4o")])

    func plan(_ cache: RoutePlanCache, _ route: RouteRequest, _ counter: Counter, fails: Bool = false) -> RoutePlan? {
        try? cache.plan(route) { () throws(RouteFailure) -> RoutePlan in
            counter.made += 1
            if fails { throw .noTargets(configFile: "kai.yaml") }
            return Self.plan
        }
    }

    @Test func aRouteNamingItsTarget_isPlannedOnce_perRisk() {
        let cache = RoutePlanCache(), counter = Counter()
        for _ in 0..<3 { #expect(plan(cache, RouteRequest(explicit: "openai/gpt-4o"), counter) == Self.plan) }
        #expect(counter.made == 1)
        _ = plan(cache, RouteRequest(explicit: "openai/gpt-4o", risk: .high), counter)
        #expect(counter.made == 2)
    }

    @Test func aRoutePickedByScore_isPlannedEveryTime() {
        let cache = RoutePlanCache(), counter = Counter()
        for _ in 0..<3 { _ = plan(cache, RouteRequest(taskType: "coding"), counter) }
        #expect(counter.made == 3)
    }

    @Test func aRefusedPlan_isNotKept() {
        let cache = RoutePlanCache(), counter = Counter()
        #expect(plan(cache, RouteRequest(explicit: "openai"), counter, fails: true) == nil)
        #expect(plan(cache, RouteRequest(explicit: "openai"), counter) == Self.plan)
        #expect(counter.made == 2)
    }
}
