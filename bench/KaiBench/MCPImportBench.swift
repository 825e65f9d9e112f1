import Foundation
import KaiCore
import KaiMCP
import KaiRuntime

/// What calling an imported MCP tool through Kai costs: a runtime whose
/// config imports `server` (bench/mcp_server.py, run by `python`) over
/// stdio as `bench`, and `count` sequential calls of bench.add through
/// PluginHost.callTool — validation, the status gate, the call log, the
/// MCP client (KaiMCP) and the server — each timed alone. bench/mcp_import_bench.py
/// times the same server with a minimal JSON-RPC client beside it.
enum MCPImportBench {
    static let arguments = Array(#"{"a":1,"b":2}"#.utf8)

    static func run(python: String, server: String, count: Int) {
        let directory = NSTemporaryDirectory() + "kai-bench-mcp-import-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/kai.yaml"
        let yaml = """
            database: \(directory)/registry.sqlite
            mcp_servers:
              - id: bench
                command: \(python)
                args: [\(server)]
            """
        guard (try? yaml.write(toFile: config, atomically: true, encoding: .utf8)) != nil else { Bench.fail("cannot write \(config)") }
        var settings = RuntimeSettings(configFile: config, loadsBundledPlugins: false, bundledDirectory: nil)
        settings.importers = [MCPToolImporter()]
        let runtime: KaiRuntime
        do {
            runtime = try KaiRuntime.open(settings: settings, environment: ["HOME": directory], diagnostics: AgentBench.Diagnostics())
        } catch {
            Bench.fail("cannot open the runtime: \(error.description)")
        }
        defer { try? runtime.shutdown() }
        let call: () -> Void = {
            do { blackhole &+= try runtime.host.callTool("bench.add", arguments: arguments).json.count } catch { Bench.fail("bench.add failed: \(error)") }
        }
        for _ in 0..<200 { call() }  // warm-up, as the direct client does
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for _ in 0..<count {
            let started = Bench.now()
            call()
            samples.append(Double(Bench.now() - started))
        }
        print(#"{"calls": \#(count), "kai": \#(Bench.summary(samples))}"#)
    }
}
