import Glibc
import KaiCore
import KaiNative

/// Per-call latency of libm's cbrt as a native tool (the bridge, through
/// libffi) in-process and in a warm worker, against the same function
/// wrapped by hand as an ABI plugin tool (bench/cbrt_plugin.c), in-process
/// and in a worker, and a direct Swift call of cbrt. All through
/// `host.callTool`: the same validation, output checks and glue.
enum NativeBench {
    static let arguments = Array(#"{"x":27}"#.utf8)

    static func run(plugin: String, count: Int) {
        let directory = SearchPathCatalog.executableDirectory() ?? "."
        let bridge = directory + "/" + NativeToolsEntry.bridgeFileName
        let policy = WorkerPolicy(executable: directory + "/kai-plugin-worker", maxFailures: Int.max, backoffBase: 0)
        var results: [String] = []
        for isolation in [NativeToolsEntry.Isolation.inprocess, .process] {
            let host = nativeHost(bridge: bridge, isolation: isolation, policy: policy)
            results.append("\"native_\(isolation.rawValue)\": \(measure(host, "cbrt", count: count))")
            host.shutdown()
        }
        for isolation in [PluginIsolation.inprocess, .process] {
            let host = load(PluginSource(path: plugin, settings: PluginSettings(isolation: isolation, worker: policy)))
            results.append("\"plugin_\(isolation.rawValue)\": \(measure(host, "cbrt", count: count))")
            host.shutdown()
        }
        let direct = CallBench.perCall({ blackhole &+= Int(directCbrt(27)) }, count: count)
        results.append("\"direct\": {\"per_call\": \(Bench.summary(direct))}")
        print("{\"calls\": \(count), " + results.joined(separator: ", ") + "}")
    }

    @inline(never)
    static func directCbrt(_ x: Double) -> Double { cbrt(x) }

    private static func nativeHost(bridge: String, isolation: NativeToolsEntry.Isolation, policy: WorkerPolicy) -> PluginHost {
        do {
            let text = "double cbrt(double x)"
            let entry = NativeToolsEntry(id: "native.libm", library: "libm.so.6", isolation: isolation, functions: [
                NativeFunction(signature: try CSignatureParser.parse(text), text: text, description: "The cube root of x."),
            ])
            var source = entry.pluginSource(bridgePath: bridge, manifest: try entry.manifest(bridgePath: bridge))
            source.settings?.worker = policy
            return load(source)
        } catch {
            Bench.fail("cannot configure cbrt: \(error)")
        }
    }

    private static func load(_ source: PluginSource) -> PluginHost {
        let host = PluginHost.load(from: Single(source: source), scanning: .inProcess)
        if let failure = host.failures.first { Bench.fail("could not load \(failure)") }
        return host
    }

    private static func measure(_ host: PluginHost, _ tool: String, count: Int) -> String {
        let body = {
            do { blackhole &+= try host.callTool(tool, arguments: arguments).json.count } catch { Bench.fail("\(tool) failed: \(error)") }
        }
        return "{\"batched\": \(Bench.summary(CallBench.batched(body, count: count))), \"per_call\": \(Bench.summary(CallBench.perCall(body, count: count)))}"
    }

    private struct Single: PluginCatalog {
        let source: PluginSource
        func pluginSources() -> [PluginSource] { [source] }
    }
}
