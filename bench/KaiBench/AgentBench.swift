import Foundation
import KaiCore
import KaiJSON
import KaiRuntime
import Synchronization

/// Kai's side of the agent-step benchmark (bench/agent_bench.py): whole
/// agent runs through `KaiRuntime.run` — the bundled `assistant` agent, the
/// openai provider at bench/mock_agent.c, dev.kai.utils `calculate` — in a
/// real runtime (config, registry, sessions recorded as in normal use).
///
/// Batches come from stdin, "run C K": C threads, each doing K runs one
/// after another. Each batch answers one JSON line: wall_ns, tool_ns (tool
/// calls × the median of `calculate` called alone on a bare PluginHost —
/// the plugin's work plus argument/result validation, nothing of the run's
/// own; the tool_finished steps' duration_ms would count the run's approval
/// check and recording as tool time), cpu_ns (getrusage RUSAGE_SELF, user +
/// sys), steps (model turns: tool calls + the answer).
/// The assistant streams its provider calls (the peers are asked to
/// stream too); the mock's /_stats counts which requests asked for a stream.
enum AgentBench {
    static let task = "What is 1 + 2? Use the calculate tool."
    static let answer = "The answer is 3."

    static func run(binDirectory: String, baseURL: String, steps: Int) {
        let directory = NSTemporaryDirectory() + "kai-agent-bench-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let toolNS = toolTime(plugin: binDirectory + "/libKaiPluginUtils.so")
        let runtime = open(binDirectory: binDirectory, baseURL: baseURL, directory: directory)
        print("{\"ready\": true, \"tool_call_ns\": \(Int64(toolNS))}")
        fflush(nil)
        while let line = readLine() {
            let words = line.split(separator: " ")
            guard words.count == 3, words[0] == "run", let threads = Int(words[1]), let runs = Int(words[2]), threads >= 1, runs >= 1 else {
                Bench.fail("expected 'run C K', got '\(line)'", code: 64)
            }
            print(batch(runtime, threads: threads, runs: runs, steps: steps, toolNS: toolNS))
            fflush(nil)  // stdout is a pipe: the driver waits for this line
        }
        runtime.store.flush()
        try? runtime.shutdown()
    }

    /// `threads` threads each doing `runs` runs; one JSON line of totals.
    static func batch(_ runtime: KaiRuntime, threads: Int, runs: Int, steps: Int, toolNS: Double) -> String {
        let totals = Mutex<(toolMS: Double, turns: Int)>((0, 0))
        let group = DispatchGroup()
        let cpu = cpuNS(), started = Bench.now()
        for _ in 0..<threads {
            group.enter()
            let thread = Thread {
                for _ in 0..<runs {
                    let (toolMS, turns) = oneRun(runtime, steps: steps)
                    totals.withLock { $0.toolMS += toolMS; $0.turns += turns }
                }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        let wall = Bench.now() - started, cpuUsed = cpuNS() - cpu
        let (toolMS, turns) = totals.withLock { $0 }
        let calls = turns - threads * runs  // every run's last turn is the answer
        return "{\"wall_ns\": \(wall), \"tool_ns\": \(Int64(toolNS * Double(calls))), \"cpu_ns\": \(cpuUsed), \"steps\": \(turns), "
            + "\"runs\": \(threads * runs), \"threads\": \(threads), \"tool_finished_ms\": \(Bench.format(toolMS))}"
    }

    /// One run; its tool_finished steps' duration_ms (summed) and model turns. Anything but the
    /// expected answer after `steps` turns ends the benchmark.
    static func oneRun(_ runtime: KaiRuntime, steps: Int) -> (Double, Int) {
        let toolMS = Mutex<(ms: Double, calls: Int)>((0, 0))
        var request = AgentRunRequest(start: .task(task))
        request.agent = "assistant"
        request.model = "openai/mock:bench-agent"
        request.tools = ["calculate"]
        request.chainLimit = steps + 5
        request.onEvent = { event in
            guard case .step(_, let step) = event, step["type"]?.stringValue == "tool_finished" else { return }
            let ms = step["duration_ms"]?.doubleValue ?? 0
            toolMS.withLock { $0.ms += ms; $0.calls += 1 }
        }
        let outcome: RunOutcome
        do { outcome = try runtime.run(request) } catch { Bench.fail("the run could not start: \(error.message)") }
        let (ms, calls) = toolMS.withLock { $0 }
        guard outcome.status == .done, outcome.message.contains(answer), calls == steps - 1 else {
            Bench.fail("a run ended \(outcome.status.rawValue) with '\(outcome.message)' after \(calls) tool calls "
                       + "(expected done, '\(answer)', \(steps - 1)); error: \(outcome.error.map { "\($0)" } ?? "none")")
        }
        return (ms, calls + 1)
    }

    /// The median time of `calculate` called alone (2,000 calls after 200
    /// warm-up calls) on a host with only dev.kai.utils and no call log.
    static func toolTime(plugin: String) -> Double {
        let host = PluginHost.load(from: SourceCatalog(sources: [PluginSource(path: plugin)]))
        if let failure = host.failures.first { Bench.fail("could not load \(failure)") }
        let arguments = Array(#"{"expression": "1 + 2"}"#.utf8)
        var samples: [Double] = []
        for i in 0..<2200 {
            let started = Bench.now()
            do { blackhole &+= try host.callTool("calculate", arguments: arguments).json.count } catch {
                Bench.fail("calculate failed: \(error)")
            }
            if i >= 200 { samples.append(Double(Bench.now() - started)) }
        }
        host.shutdown()
        return Bench.percentile(samples, 50)
    }

    static func cpuNS() -> Int64 {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { Bench.fail("getrusage failed: errno \(errno)") }
        let seconds = Int64(usage.ru_utime.tv_sec) + Int64(usage.ru_stime.tv_sec)
        let micros = Int64(usage.ru_utime.tv_usec) + Int64(usage.ru_stime.tv_usec)
        return seconds * 1_000_000_000 + micros * 1000
    }

    /// A runtime whose config names exactly the three plugins, with a
    /// temporary HOME and registry.
    static func open(binDirectory: String, baseURL: String, directory: String) -> KaiRuntime {
        let config = directory + "/kai.yaml"
        let yaml = """
            database: \(directory)/registry.sqlite
            plugins:
              - path: \(binDirectory)/libKaiPluginOpenAI.so
                config:
                  endpoints:
                    - { name: mock, base_url: "\(baseURL)", models: [bench-agent] }
              - path: \(binDirectory)/libKaiPluginUtils.so
              - path: \(binDirectory)/libKaiPluginAgents.so
            """
        guard (try? yaml.write(toFile: config, atomically: true, encoding: .utf8)) != nil else { Bench.fail("cannot write \(config)") }
        do {
            return try KaiRuntime.open(
                settings: RuntimeSettings(configFile: config, bundledDirectory: nil), environment: ["HOME": directory],
                diagnostics: Diagnostics())
        } catch {
            Bench.fail("cannot open the runtime: \(error.description)")
        }
    }

    struct Diagnostics: RuntimeDiagnostics {
        func warning(_ text: String) { Bench.fail("runtime warning: \(text)") }
        func notice(_ text: String) {}
        func pluginsLoaded(_ host: PluginHost) {}
    }
}
