import Foundation
import KaiCore
import KaiRegistry
@testable import KaiRuntime
import KaiTestSupport
import Testing

/// What the router plans before any call: -m and its fallbacks; without -m
/// the targets ranked by registry score for the task type (config order on
/// ties); --risk high keeps only strong-tier targets, or refuses.
@Suite struct RouterPlanTests {
    static let file = "/etc/kai.yaml"

    static func config(_ targets: [RouterConfig.Target]) -> RouterConfig {
        RouterConfig(targets: targets, isConfigured: true)
    }

    static func plan(_ config: RouterConfig, _ route: RouteRequest, scores: [String: Double] = [:]) throws(RouteFailure) -> [String] {
        try RoutePlan.make(config, route, configFile: file) { scores[$0.name] }.steps.map(\.target)
    }

    static let targets = config([
        RouterConfig.Target(name: "openai/gpt-4o", tier: .strong, fallbacks: ["anthropic/claude", "local"]),
        RouterConfig.Target(name: "anthropic/claude", tier: .strong),
        RouterConfig.Target(name: "local"),
    ])

    @Test func explicit_isTheTargetThenItsFallbacks_matchedExactlyElseByProvider() throws {
        #expect(try Self.plan(Self.targets, RouteRequest(explicit: "openai/gpt-4o")) == ["openai/gpt-4o", "anthropic/claude", "local"])
        let byProvider = Self.config([RouterConfig.Target(name: "openai", fallbacks: ["local"])])
        #expect(try Self.plan(byProvider, RouteRequest(explicit: "openai/gpt-4o-mini")) == ["openai/gpt-4o-mini", "local"])
        #expect(try Self.plan(Self.targets, RouteRequest(explicit: "echo")) == ["echo"], "a provider the router does not list still works with -m")
    }

    @Test func withoutExplicit_ranksByScore_bestsFallbacksFirst_tiesInConfigOrder() throws {
        #expect(try Self.plan(Self.targets, RouteRequest(), scores: ["local": 0.9, "openai/gpt-4o": 0.5, "anthropic/claude": 0.5])
            == ["local", "openai/gpt-4o", "anthropic/claude"])
        #expect(try Self.plan(Self.targets, RouteRequest()) == ["openai/gpt-4o", "anthropic/claude", "local"], "all unscored: config order")
        #expect(try Self.plan(RouterConfig(), RouteRequest()) == ["local"], "no router section: local")
    }

    @Test func highRisk_keepsOnlyStrongTargets_fallbacksIncluded() throws {
        #expect(try Self.plan(Self.targets, RouteRequest(risk: .high), scores: ["local": 1]) == ["openai/gpt-4o", "anthropic/claude"])
        #expect(try Self.plan(Self.targets, RouteRequest(explicit: "openai/gpt-4o", risk: .high)) == ["openai/gpt-4o", "anthropic/claude"])
    }

    @Test func highRisk_withNoStrongTarget_refusesWithTheFix() {
        #expect(throws: RouteFailure.self) { try Self.plan(RouterConfig(), RouteRequest(risk: .high)) }
        do {
            _ = try Self.plan(RouterConfig(), RouteRequest(risk: .high))
        } catch {
            #expect(error.description == "no strong-tier provider is available for a high-risk request: no target under router.targets is marked strong. Mark a provider `tier: strong` under router.targets in /etc/kai.yaml, or drop --risk high.")
        }
    }

    @Test func highRisk_withAnExplicitTargetThatIsNotStrong_refusesWithTheFix() {
        do {
            _ = try Self.plan(Self.targets, RouteRequest(explicit: "local", risk: .high))
            Issue.record("a standard-tier -m must be refused for a high-risk request")
        } catch {
            #expect(error.description == #""local" is not a strong-tier provider, and a high-risk request (--risk high) may use only those. Name a strong one with -m, mark it `tier: strong` under router.targets in /etc/kai.yaml, or drop --risk high."#)
        }
    }

    @Test func highRisk_whenEveryStrongCircuitIsOpen_failsWithoutCallingAWeakerOne() throws {
        let world = try RouterWorld("risk-open", router: """
            router:
              breaker: { failures: 1 }
              targets:
                - name: openai/down:text
                  tier: strong
                - name: openai/b:text
            """)
        defer { try? world.runtime.shutdown() }
        #expect(world.call(RouteRequest(risk: .high)).failure?.callError?.code == .unavailable)
        let failure = try #require(world.call(RouteRequest(risk: .high)).failure)
        #expect(failure.description == "no strong-tier provider is available for a high-risk request: openai/down:text's circuit is open until \(CircuitBreaker.clockTime(world.clock.now + 30)) (1 failure in 60 s). Wait until it closes, mark another provider `tier: strong` under router.targets in \(world.configFile), or drop --risk high.")
        world.runtime.store.flush()
        #expect(try world.runtime.store.logs().count == 1, "openai/b:text, standard tier, was never called")
    }

    @Test func ranking_picksTheTargetWhoseProviderScoresHigherForTheTaskType() throws {
        let world = try RouterWorld("ranking", router: """
            router:
              targets:
                - name: openai/b:text
                - name: busy/ok
            """)
        defer { try? world.runtime.shutdown() }
        let store = world.runtime.store
        func record(_ plugin: String, _ name: String, ok: Bool, taskType: String) {
            store.callFinished(CallReport(
                tool: "\(plugin).\(name)", plugin: plugin, capabilityKind: .provider, startedAt: 1, durationNanoseconds: 1_000_000,
                code: ok ? .ok : .unavailable, errorKind: ok ? nil : .toolFailed, taskType: taskType, arguments: [], result: [], depth: 0))
        }
        for _ in 0..<5 {
            record("dev.kai.openai", "openai", ok: false, taskType: "coding")
            record("test.retry", "busy", ok: true, taskType: "coding")
            record("dev.kai.openai", "openai", ok: true, taskType: "research")
            record("test.retry", "busy", ok: false, taskType: "research")
        }
        #expect(try world.router.plan(RouteRequest(taskType: "coding")).steps.map(\.target) == ["busy/ok", "openai/b:text"])
        #expect(try world.router.plan(RouteRequest(taskType: "research")).steps.map(\.target) == ["openai/b:text", "busy/ok"])
        let routed = try #require(world.call(RouteRequest(taskType: "coding")).success)
        #expect(routed.target == "busy/ok" && routed.result.content == "ok from busy")
    }
}
