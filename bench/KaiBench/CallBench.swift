import KaiCore
import KaiJSON
import KaiJSONSchema

/// Per-call latency of `host.callTool("add", {"a":1,"b":2})` against a direct
/// Swift call, plus the host's own steps timed alone (a cost breakdown).
///
/// Two timings per subject:
/// - batched: one clock pair around 100 calls, mean per call; the medians
///   come from these (clock cost amortised to <1 ns per call).
/// - per-call: one clock pair around each call; the p99 comes from these
///   (it includes one clock read, ~20-30 ns, reported as timer_ns).
enum CallBench {
    static let batch = 100
    static let arguments = Array(#"{"a":1,"b":2}"#.utf8)

    static func run(fixture: String, count: Int) {
        let host = PluginHost.load(from: SearchPathCatalog(entries: [fixture], bundledDirectory: nil))
        if let failure = host.failures.first { Bench.fail("could not load \(failure)") }
        let probe: ToolResult
        do { probe = try host.callTool("add", arguments: arguments) } catch { Bench.fail("add failed: \(error)") }
        guard probe.text.contains("\"sum\""), probe.text.contains("3") else { Bench.fail("unexpected add result \(probe.text)") }

        let inputs: [Double] = [1, 2, 3, 4]
        let kai: () -> Void = {
            do { blackhole &+= try host.callTool("add", arguments: arguments).json.count } catch { Bench.fail("add failed: \(error)") }
        }
        let direct: () -> Void = {
            let i = blackhole & 1  // operands the optimizer cannot see as constants
            blackhole &+= directAdd(inputs[i], inputs[i + 1]).count
        }
        let timer = timerCost(count: count)
        let kaiBatched = batched(kai, count: count), kaiPerCall = perCall(kai, count: count)
        let directBatched = batched(direct, count: count), directPerCall = perCall(direct, count: count)
        let steps = breakdown(host: host, output: probe.json, count: count)

        print("""
        {"timer_ns": \(Bench.format(timer)), "batch": \(batch), "calls": \(count),
         "result": \(Bench.quoted(probe.text)),
         "kai": {"batched": \(Bench.summary(kaiBatched)), "per_call": \(Bench.summary(kaiPerCall))},
         "direct": {"batched": \(Bench.summary(directBatched)), "per_call": \(Bench.summary(directPerCall))},
         "breakdown_median_ns": {\(steps.map { "\(Bench.quoted($0.0)): \(Bench.format($0.1))" }.joined(separator: ", "))}}
        """)
    }

    /// The same work without the host: add two Doubles and return the result
    /// object's JSON bytes (`{"sum":3.0}`, built by string interpolation).
    @inline(never)
    static func directAdd(_ a: Double, _ b: Double) -> [UInt8] {
        Array("{\"sum\":\(a + b)}".utf8)
    }

    /// Runs `body` `count` times in batches; returns the mean ns per call of each batch.
    static func batched(_ body: () -> Void, count: Int) -> [Double] {
        for _ in 0..<min(count, 20_000) { body() }  // warm-up
        var samples: [Double] = []
        samples.reserveCapacity(count / batch)
        for _ in 0..<max(count / batch, 1) {
            let started = Bench.now()
            for _ in 0..<batch { body() }
            samples.append(Double(Bench.now() - started) / Double(batch))
        }
        return samples
    }

    /// Times each of `count` calls on its own.
    static func perCall(_ body: () -> Void, count: Int) -> [Double] {
        for _ in 0..<min(count, 20_000) { body() }
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for _ in 0..<count {
            let started = Bench.now()
            body()
            samples.append(Double(Bench.now() - started))
        }
        return samples
    }

    /// Median cost of one clock-pair measurement with nothing inside.
    static func timerCost(count: Int) -> Double {
        Bench.percentile((0..<count).map { _ in let t = Bench.now(); return Double(Bench.now() - t) }, 50)
    }

    /// The host's per-call steps timed alone (batched medians, ns). What is
    /// left of the callTool median is the plugin's own work plus glue
    /// (deadline, CallContext and OutputCollector allocation, the C call).
    static func breakdown(host: PluginHost, output: [UInt8], count: Int) -> [(String, Double)] {
        guard let entry = host.tools.entries.first(where: { $0.capability.name == "add" }),
              let inputSchema = entry.capability.inputSchema.flatMap({ try? JSONSchema($0) }),
              let outputSchema = entry.capability.outputSchema.flatMap({ try? JSONSchema($0) })
        else { Bench.fail("add has no input/output schema") }
        let input = try! JSONParser.parse(arguments)
        let result = try! JSONParser.parse(output)
        let steps: [(String, () -> Void)] = [
            ("resolve_name", { blackhole &+= ((try? host.tools.resolve("add")) != nil ? 1 : 0) }),
            ("parse_arguments", { blackhole &+= ((try? JSONParser.parse(arguments)) != nil ? 1 : 0) }),
            ("validate_arguments", { blackhole &+= inputSchema.validate(input).count }),
            ("parse_output", { blackhole &+= ((try? JSONParser.parse(output)) != nil ? 1 : 0) }),
            ("validate_output", { blackhole &+= outputSchema.validate(result).count }),
        ]
        var rows = steps.map { ($0.0, Bench.percentile(batched($0.1, count: count), 50)) }
        let total = Bench.percentile(batched({
            do { blackhole &+= try host.callTool("add", arguments: arguments).json.count } catch {}
        }, count: count), 50)
        rows.append(("callTool_total", total))
        rows.append(("rest_invoke_and_glue", max(total - rows.dropLast().reduce(0) { $0 + $1.1 }, 0)))
        return rows
    }
}
