// KaiBench: micro-benchmarks of the Kai host, driven by bench/run.py.
//
//   KaiBench load <plugin.so>...   time PluginHost.load of each plugin, once each
//   KaiBench call <fixture.so> N   per-call latency of callTool("add") vs a direct Swift call
//   KaiBench registry [caps] [records]  discovery and recording costs of the registry store
//   KaiBench worker <fixture.so> N  callTool("add") in-process vs a warm worker; crash-to-next-success
//   KaiBench provider-latency <plugin.so> <config-json> <provider>  rounds from stdin (ProviderBench)
//   KaiBench provider-tokens <plugin.so> <config-json> <provider> <request-json> <rounds>
//   KaiBench router <openai-plugin.so> <base-url> <N>  the router's decision cost and a fallback hop's latency
//   KaiBench agent-steps <bin-dir> <base-url> <steps>  whole agent runs (KaiRuntime.run), batches from stdin (AgentBench)
//   KaiBench native <cbrt-plugin.so> N  libm's cbrt as a native tool (in-process, worker) vs an ABI plugin tool (NativeBench)
//   KaiBench mcp-import <python> <server.py> <N>  calls of an imported MCP server's tool through Kai (MCPImportBench)
//
// Each prints one JSON object on stdout; errors go to stderr with exit 1.
import Glibc

let arguments = Array(CommandLine.arguments.dropFirst())
let usage = "usage: KaiBench load <plugin.so>... | KaiBench call <fixture.so> <N> | KaiBench registry [capabilities] [records] [postgres-url] | KaiBench worker <fixture.so> <N> | KaiBench provider-latency <plugin.so> <config> <provider> | KaiBench provider-tokens <plugin.so> <config> <provider> <request> <rounds> | KaiBench router <openai-plugin.so> <base-url> <N> | KaiBench agent-steps <bin-dir> <base-url> <steps> | KaiBench native <cbrt-plugin.so> <N>"

switch arguments.first {
case "load" where arguments.count >= 2:
    LoadBench.run(paths: Array(arguments.dropFirst()))
case "call" where arguments.count == 3:
    guard let count = Int(arguments[2]), count >= 100 else {
        Bench.fail("call count must be an integer >= 100, got '\(arguments[2])'")
    }
    CallBench.run(fixture: arguments[1], count: count)
case "worker" where arguments.count == 3:
    guard let count = Int(arguments[2]), count >= 100 else {
        Bench.fail("call count must be an integer >= 100, got '\(arguments[2])'")
    }
    WorkerBench.run(fixture: arguments[1], count: count)
case "provider-latency" where arguments.count == 4:
    ProviderBench.runLatency(plugin: arguments[1], config: arguments[2], provider: arguments[3])
case "provider-tokens" where arguments.count == 6:
    guard let rounds = Int(arguments[5]), rounds >= 1 else { Bench.fail("rounds must be an integer >= 1, got '\(arguments[5])'") }
    ProviderBench.runTokens(plugin: arguments[1], config: arguments[2], provider: arguments[3], request: arguments[4], rounds: rounds)
case "router" where arguments.count == 4:
    guard let count = Int(arguments[3]), count >= 100 else { Bench.fail("decision count must be an integer >= 100, got '\(arguments[3])'") }
    RouterBench.run(plugin: arguments[1], baseURL: arguments[2], count: count)
case "agent-steps" where arguments.count == 4:
    guard let steps = Int(arguments[3]), steps >= 2 else { Bench.fail("steps must be an integer >= 2, got '\(arguments[3])'") }
    AgentBench.run(binDirectory: arguments[1], baseURL: arguments[2], steps: steps)
case "native" where arguments.count == 3:
    guard let count = Int(arguments[2]), count >= 100 else { Bench.fail("call count must be an integer >= 100, got '\(arguments[2])'") }
    NativeBench.run(plugin: arguments[1], count: count)
case "mcp-import" where arguments.count == 4:
    guard let count = Int(arguments[3]), count >= 100 else { Bench.fail("call count must be an integer >= 100, got '\(arguments[3])'") }
    MCPImportBench.run(python: arguments[1], server: arguments[2], count: count)
case "registry":
    runRegistryBench(arguments: Array(arguments.dropFirst()))
default:
    Bench.fail(usage, code: 64)
}
