import Glibc
import KaiCore

/// Per-call latency of `callTool("add")` in-process vs through a warm
/// worker process (isolation: process), and how long a crashed worker takes
/// to serve again: from the failed call's error to the next call's result
/// (worker spawn + dlopen + create + the call).
enum WorkerBench {
    static let arguments = Array(#"{"a":1,"b":2}"#.utf8)

    static func run(fixture: String, count: Int, crashes: Int = 30) {
        let worker = (SearchPathCatalog.executableDirectory() ?? ".") + "/kai-plugin-worker"
        let policy = WorkerPolicy(executable: worker, maxFailures: Int.max, backoffBase: 0)
        let local = host(fixture, PluginSettings())
        let isolated = host(fixture, PluginSettings(isolation: .process, worker: policy))
        let inProcess = measure(local, count: count)
        let process = measure(isolated, count: count)

        var detect: [Double] = [], recover: [Double] = []
        for _ in 0..<crashes {
            let started = Bench.now()
            guard case .failure(let error) = Result(catching: { try isolated.callTool("crash_segv", arguments: Array("{}".utf8)) }),
                  (error as? CallError)?.kind == .workerCrashed
            else { Bench.fail("crash_segv did not crash the worker") }
            let crashed = Bench.now()
            call(isolated)
            detect.append(Double(crashed - started))
            recover.append(Double(Bench.now() - crashed))
        }
        isolated.shutdown()
        print("""
        {"calls": \(count), "batch": \(CallBench.batch),
         "inprocess": \(inProcess), "worker": \(process),
         "crash_to_error": \(Bench.summary(detect)), "crash_to_next_success": \(Bench.summary(recover))}
        """)
    }

    private static func host(_ fixture: String, _ settings: PluginSettings) -> PluginHost {
        let host = PluginHost.load(from: Single(source: PluginSource(path: fixture, settings: settings)), scanning: .inProcess)
        if let failure = host.failures.first { Bench.fail("could not load \(failure)") }
        return host
    }

    private static func call(_ host: PluginHost) {
        do { blackhole &+= try host.callTool("add", arguments: arguments).json.count } catch { Bench.fail("add failed: \(error)") }
    }

    private static func measure(_ host: PluginHost, count: Int) -> String {
        let body = { call(host) }
        return "{\"batched\": \(Bench.summary(CallBench.batched(body, count: count))), \"per_call\": \(Bench.summary(CallBench.perCall(body, count: count)))}"
    }

    private struct Single: PluginCatalog {
        let source: PluginSource
        func pluginSources() -> [PluginSource] { [source] }
    }
}
