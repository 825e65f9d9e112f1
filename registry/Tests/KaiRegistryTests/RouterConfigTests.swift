@testable import KaiRegistry
import Testing

/// The config's `router:` section: targets, tiers, fallbacks and the
/// breaker's limits, and every mistake reported at its place with the fix.
struct RouterConfigTests {
    @Test func load_withoutARouterSection_routesOnlyToLocal_withTheDefaultBreaker() throws {
        let config = try loadConfig("plugins: []\n")
        #expect(config.router == RouterConfig())
        #expect(config.router.targets.map(\.name) == ["local"])
        #expect(config.router.breaker == RouterConfig.Breaker(failures: 5, windowSeconds: 60, cooldownSeconds: 30, successes: 2))
        #expect(!config.router.isConfigured)
    }

    @Test func load_readsTargetsTiersFallbacksAndBreaker() throws {
        let config = try loadConfig("""
            router:
              breaker: { failures: 3, window_s: 10, cooldown_s: 2.5, successes: 1 }
              targets:
                - name: openai/gpt-4o
                  tier: strong
                  fallbacks: [anthropic/claude-sonnet-4-5, local]
                - name: local

            """)
        #expect(config.router.breaker == RouterConfig.Breaker(failures: 3, windowSeconds: 10, cooldownSeconds: 2.5, successes: 1))
        #expect(config.router.targets.map(\.name) == ["openai/gpt-4o", "local"])
        #expect(config.router.targets.map(\.tier) == [.strong, .standard])
        #expect(config.router.targets[0].fallbacks == ["anthropic/claude-sonnet-4-5", "local"])
        #expect(config.router.targets[0].provider == "openai")
        #expect(config.router.isConfigured)
        // -m finds the exact target, else the entry of its provider part.
        #expect(config.router.target(named: "openai/gpt-4o")?.tier == .strong)
        #expect(config.router.target(named: "local/smollm2")?.name == "local")
        #expect(config.router.target(named: "openai/gpt-4o-mini") == nil)
    }

    static let mistakes: [(yaml: String, message: String)] = [
        ("router: [a]\n", #"kai.yaml:1:9: router must be a mapping with the keys breaker, targets, got a list."#),
        ("router:\n  target: []\n", #"kai.yaml:2:3: unknown key "target" in router. Did you mean "targets"? Allowed keys: breaker, targets."#),
        ("router:\n  breaker: { failure: 3 }\n", #"kai.yaml:2:14: unknown key "failure" in router.breaker. Did you mean "failures"? Allowed keys: failures, window_s, cooldown_s, successes."#),
        ("router:\n  breaker: { failures: 0 }\n", #"kai.yaml:2:24: router.breaker.failures must be a whole number of at least 1, got 0."#),
        ("router:\n  breaker: { successes: 1.5 }\n", #"kai.yaml:2:25: router.breaker.successes must be a whole number of at least 1, got 1.5."#),
        ("router:\n  breaker: { cooldown_s: soon }\n", #"kai.yaml:2:26: router.breaker.cooldown_s must be a number of seconds above 0, got "soon"."#),
        ("router:\n  targets: local\n", #"kai.yaml:2:12: router.targets must be a list of targets ("- name: openai/gpt-4o"), got "local"."#),
        ("router:\n  targets:\n    - local\n", #"kai.yaml:3:7: router.targets[0] must be a mapping with a name ("- name: local"?), got "local"."#),
        ("router:\n  targets:\n    - tier: strong\n", #"kai.yaml:3:7: router.targets[0] has no name. Add "name:" with a provider, optionally with a model, as -m takes it (openai/gpt-4o, local)."#),
        ("router:\n  targets:\n    - name: local\n      tier: weak\n", #"kai.yaml:4:13: router.targets[0].tier must be one of strong, standard, got "weak"."#),
        ("router:\n  targets:\n    - name: /gpt-4o\n", #"kai.yaml:3:13: router.targets[0].name must name a provider, optionally with a model (openai/gpt-4o, local), got "/gpt-4o"."#),
        ("router:\n  targets:\n    - name: local\n      fallbacks: local\n", #"kai.yaml:4:18: router.targets[0].fallbacks must be a list of targets ([anthropic/claude-sonnet-4-5, local]), got "local"."#),
        ("router:\n  targets:\n    - name: local\n      fallbacks: [openai, local]\n", #"kai.yaml:4:27: router.targets[0].fallbacks[1] names the target itself ("local"). Remove it: a target's fallbacks are the others to try when it fails."#),
        ("router:\n  targets:\n    - name: local\n    - name: local\n", #"kai.yaml:4:7: router target "local" is listed twice: router.targets[0] and router.targets[1]. Merge the two entries into one."#),
    ]

    @Test(arguments: mistakes)
    func load_whenTheRouterSectionIsWrong_reportsLocationProblemAndFix(yaml: String, message: String) {
        #expect(configError(yaml) == message)
    }
}
