import Foundation
import KaiCore
import KaiRegistry
import KaiRuntime

/// The router's costs, driven by bench/router_bench.py against
/// bench/mock_openai.c (base URL given), through a real runtime (config,
/// registry, the bundled openai plugin):
///
/// - decision: `Router.decide` — the plan (registry scores of the providers
///   for a task type, or -m with its fallbacks) and the first target's
///   breaker read — per request, in µs;
/// - a call: direct `host.callProvider` to the mock; routed with -m to the
///   same target (router overhead on the call path); and routed with -m to
///   a target whose server refuses connections, falling back to the mock
///   (a fallback hop's added latency). Rounds interleave the three.
enum RouterBench {
    static func run(plugin: String, baseURL: String, count: Int) {
        let directory = NSTemporaryDirectory() + "kai-router-bench-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/kai.yaml"
        let yaml = """
            database: \(directory)/registry.sqlite
            plugins:
              - path: \(plugin)
                config:
                  endpoints:
                    - { name: mock, base_url: "\(baseURL)", models: [bench-model] }
                    - { name: down, base_url: "http://127.0.0.1:9/v1", models: [bench-model-down], connect_timeout_s: 2 }
            router:
              breaker: { failures: 1000000000 }
              targets:
                - name: openai/down:bench-model
                  fallbacks: [openai/mock:bench-model]
                - name: openai/mock:bench-model
            """
        guard (try? yaml.write(toFile: config, atomically: true, encoding: .utf8)) != nil else { Bench.fail("cannot write \(config)") }
        let runtime: KaiRuntime
        do {
            runtime = try KaiRuntime.open(
                settings: RuntimeSettings(configFile: config, bundledDirectory: nil), environment: ["HOME": directory],
                diagnostics: Quiet())
        } catch {
            Bench.fail("cannot open the runtime: \(error.description)")
        }
        let router = runtime.router
        let direct = "openai/mock:bench-model"
        // Warm: connections, the registry's statements and pages.
        for _ in 0..<20 { _ = call(router, explicit: "openai/down:bench-model"); _ = decide(router, RouteRequest(taskType: "coding")) }

        var scored: [Double] = [], explicit: [Double] = []
        var directCalls: [Double] = [], routedCalls: [Double] = [], fallbackCalls: [Double] = []
        for _ in 0..<count {
            scored.append(decide(router, RouteRequest(taskType: "coding")))
            explicit.append(decide(router, RouteRequest(explicit: direct)))
        }
        for _ in 0..<max(1, count / 20) {
            directCalls.append(time { _ = try? runtime.host.callProvider(direct, request: ProviderBench.request) })
            routedCalls.append(call(router, explicit: direct))
            fallbackCalls.append(call(router, explicit: "openai/down:bench-model"))
        }
        runtime.store.flush()
        print("{\"decision_scored\": \(Bench.summary(scored)), \"decision_explicit\": \(Bench.summary(explicit)), "
              + "\"call_direct\": \(Bench.summary(directCalls)), \"call_routed\": \(Bench.summary(routedCalls)), "
              + "\"call_fallback\": \(Bench.summary(fallbackCalls))}")
        try? runtime.shutdown()
    }

    static func decide(_ router: Router, _ route: RouteRequest) -> Double {
        time {
            do throws(RouteFailure) { blackhole &+= try router.decide(route)?.count ?? 0 } catch { Bench.fail("decide failed: \(error.description)") }
        }
    }

    static func call(_ router: Router, explicit: String) -> Double {
        time {
            do throws(RouteFailure) {
                let routed = try router.call(request: ProviderBench.request, route: RouteRequest(explicit: explicit))
                blackhole &+= routed.result.json.count
            } catch {
                Bench.fail("the routed call failed: \(error.description)")
            }
        }
    }

    static func time(_ body: () -> Void) -> Double {
        let started = Bench.now()
        body()
        return Double(Bench.now() - started)
    }

    struct Quiet: RuntimeDiagnostics {
        func warning(_ text: String) { Bench.fail("runtime warning: \(text)") }
        func notice(_ text: String) {}
        func pluginsLoaded(_ host: PluginHost) {}
    }
}
