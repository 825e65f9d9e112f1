// swift-tools-version:6.1
//
// Kai's architecture, bottom to top (layers only point down):
//
//   plugin-sdk/      CKaiABI        the stable C plugin ABI (the contract)
//   Sources/         KaiJSON        strict JSON values, parser, serializer
//                    KaiJSONSchema  JSON Schema validator for tool arguments
//                    KaiCore        plugin loading, host services, call routing, workers
//                    KaiWorker      kai-plugin-worker: serves one plugin over pipes
//                    KaiNative      C signatures → tools (parser, schemas, manifests for
//                                   native_tools); the config decoder refuses bad ones
//   registry/        KaiRegistry    operator config (YAML), store on SQLite or PostgreSQL
//                                   (CPostgres: libpq), scores
//   sandbox/         KaiSandboxLauncher  the sandbox launcher's C code, built as
//                                   kai-sandbox (executable) and libKaiSandboxFork.so
//                    KaiSandbox     its Swift client
//   Sources/         KaiRuntime     one runtime: config, registry store and plugin host
//                                   opened together, registry sync, supervision policy,
//                                   the router (scores, fallback chains, circuit breakers, tiers),
//                                   agent runs (Agents/: approvals, budgets, sessions,
//                                   delegation) — the AgentScope KaiCore hands agents' calls to
//   Sources/         KaiMCP         MCP both ways: kai mcp serve, MCP servers as tools
//   Sources/         KaiEval        kai eval: HumanEval problems run in the sandbox
//                    KaiValidate    kai plugins validate: the conformance suite
//                    kai            the command-line host
//   Plugins/         bundled plugins, each a .dynamic product loaded by dlopen:
//                    tools (TextTools, Utils, StatsRust) and providers
//                    (OpenAI, Anthropic, Ollama over ProviderKit, a static
//                    library of libcurl transfers, SSE and key redaction;
//                    Local: llama.cpp loaded at run time), agents (Agents/Swift:
//                    assistant and supervisor; Agents/Coder: the coder, plain C)
//                    and the sandbox_run tool (SandboxTool); NativeBridge
//                    (libKaiNativeBridge.so, plain C + libffi) runs native_tools
//   bench/           KaiBench       benchmarks (make bench)
import PackageDescription

let package = Package(
    name: "Kai",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kai", targets: ["kai"]),
        .executable(name: "kai-sandbox", targets: ["kai-sandbox"]),
        // Serves one plugin to a host over pipes (isolation: process), and
        // scans plugin files out of process.
        .executable(name: "kai-plugin-worker", targets: ["KaiWorker"]),
        .library(name: "KaiCore", targets: ["KaiCore"]),
        .library(name: "KaiRuntime", targets: ["KaiRuntime"]),
        .library(name: "KaiSandboxFork", type: .dynamic, targets: ["KaiSandboxFork"]),
        // Bundled plugins. The host looks for lib<KaiPlugin*>.so next to its
        // own executable, so every bundled plugin's product name starts with
        // "KaiPlugin".
        .library(name: "KaiPluginText", type: .dynamic, targets: ["KaiPluginText"]),
        .library(name: "KaiPluginUtils", type: .dynamic, targets: ["KaiPluginUtils"]),
        .library(name: "KaiPluginOpenAI", type: .dynamic, targets: ["KaiPluginOpenAI"]),
        .library(name: "KaiPluginLocal", type: .dynamic, targets: ["KaiPluginLocal"]),
        .library(name: "KaiPluginAnthropic", type: .dynamic, targets: ["KaiPluginAnthropic"]),
        .library(name: "KaiPluginOllama", type: .dynamic, targets: ["KaiPluginOllama"]),
        .library(name: "KaiPluginAgents", type: .dynamic, targets: ["KaiPluginAgents"]),
        .library(name: "KaiPluginCoder", type: .dynamic, targets: ["KaiPluginCoder"]),
        .library(name: "KaiPluginSandbox", type: .dynamic, targets: ["KaiPluginSandbox"]),
        // The native bridge (native_tools in kai.yaml): not named KaiPlugin*,
        // so it is never loaded as a plugin of its own, only for those entries.
        .library(name: "KaiNativeBridge", type: .dynamic, targets: ["KaiNativeBridge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.65.0"),
    ],
    targets: [
        .target(name: "CKaiABI", path: "plugin-sdk", sources: ["src"], publicHeadersPath: "include"),
        .target(name: "KaiJSON"),
        .target(name: "KaiJSONSchema", dependencies: ["KaiJSON"]),
        .target(
            name: "KaiCore",
            dependencies: ["CKaiABI", "KaiJSON", "KaiJSONSchema", .product(name: "Logging", package: "swift-log")]
        ),
        // The worker executable: KaiCore's worker side plus a C shim for the
        // process hardening Swift cannot call (prctl is variadic).
        .target(name: "CKaiWorker", path: "Sources/CKaiWorker"),
        .executableTarget(name: "KaiWorker", dependencies: ["KaiCore", "KaiJSON", "CKaiWorker"]),
        // libpq (Debian's libpq-dev), for a registry on PostgreSQL.
        .systemLibrary(name: "CPostgres", path: "registry/Sources/CPostgres", providers: [.apt(["libpq-dev"])]),
        .target(
            name: "KaiRegistry",
            dependencies: [
                "KaiCore", "KaiJSON", "KaiJSONSchema", "KaiNative", "CPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "registry/Sources/KaiRegistry"
        ),
        // Native C functions as tools: the signature parser, the generated
        // schemas, and the manifest and bridge config of a native_tools
        // entry. Below KaiRegistry, whose config decoder refuses a bad
        // signature at the line it is written on.
        .target(name: "KaiNative", dependencies: ["KaiCore", "KaiJSON"]),
        // Opens config, store and host as one runtime, for the CLI and any
        // other embedder: no ArgumentParser, no printing, no exit().
        .target(name: "KaiRuntime", dependencies: ["KaiCore", "KaiRegistry"]),
        // MCP both ways: `kai mcp serve`, and MCP servers imported as tools.
        .target(
            name: "KaiMCP",
            dependencies: [
                "KaiCore", "KaiRuntime", "KaiRegistry", "KaiJSON",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // Code evaluation: HumanEval problems and samples, run in the sandbox, pass@k.
        .target(name: "KaiEval", dependencies: ["KaiJSON", "KaiSandbox", "CZlib"]),
        // The conformance suite behind `kai plugins validate`.
        .target(
            name: "KaiValidate",
            dependencies: ["KaiCore", "KaiJSON", "KaiJSONSchema", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "kai",
            dependencies: [
                "KaiCore", "KaiRegistry", "KaiRuntime", "KaiSandbox", "KaiEval", "KaiValidate", "KaiMCP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .target(
            name: "KaiPluginText", dependencies: ["CKaiABI"], path: "Plugins/TextTools",
            cSettings: [.unsafeFlags(["-fvisibility=hidden"])]
        ),
        .target(name: "KaiPluginUtils", dependencies: ["CKaiABI"], path: "Plugins/Utils"),
        // The openai provider: OpenAI-compatible chat completions over libcurl
        // (CCurl: the system library plus non-variadic wrappers Swift can call).
        .systemLibrary(name: "CCurl", path: "Plugins/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // What every HTTP provider shares: libcurl transfers that wait on the
        // call's cancel fd and deadline, SSE parsing, key redaction, errors
        // from HTTP failures, events to the caller's sink.
        .target(name: "KaiProviderKit", dependencies: ["CKaiABI", "KaiJSON", "CCurl"], path: "Plugins/ProviderKit"),
        .target(name: "KaiPluginOpenAI", dependencies: ["CKaiABI", "KaiJSON", "CCurl", "KaiProviderKit"], path: "Plugins/OpenAI", exclude: ["README.md"]),
        // The anthropic provider: Anthropic's Messages API over the kit.
        .target(name: "KaiPluginAnthropic", dependencies: ["CKaiABI", "KaiJSON", "KaiProviderKit"], path: "Plugins/Anthropic", exclude: ["README.md"]),
        // The embedded `local` provider: llama.cpp's libllama.so, found and
        // dlopen'ed at run time (never linked, so Kai builds before `make`
        // has built it), and GBNF grammars derived from JSON Schema.
        .target(
            name: "CLlamaAPI", path: "Plugins/Local/CLlamaAPI",
            cSettings: [.unsafeFlags(["-std=c11", "-Wall", "-Wextra", "-Werror"])]
        ),
        .target(name: "KaiLocalGrammar", dependencies: ["KaiJSON"], path: "Plugins/Local/Grammar"),
        .target(
            name: "KaiPluginLocal", dependencies: ["CKaiABI", "CLlamaAPI", "KaiJSON", "KaiLocalGrammar"],
            path: "Plugins/Local/Sources"
        ),
        // The ollama provider: Ollama's native /api/chat (NDJSON streaming)
        // and /api/tags. Its wire mapping is plain Swift over KaiJSON, a
        // target of its own so tests can call it directly.
        .target(name: "KaiOllamaWire", dependencies: ["KaiJSON"], path: "Plugins/Ollama/Wire"),
        .target(
            name: "KaiPluginOllama", dependencies: ["CKaiABI", "KaiJSON", "KaiProviderKit", "KaiOllamaWire"],
            path: "Plugins/Ollama/Sources"
        ),

        // Bundled agents (ABI 1.2, kai_agent.h), built only from host
        // services: the tool-calling `assistant` and the `supervisor` in
        // Swift; the `coder` in plain C against the SDK header alone.
        .target(name: "KaiPluginAgents", dependencies: ["CKaiABI", "KaiJSON"], path: "Plugins/Agents/Swift"),
        .target(
            name: "KaiPluginCoder", dependencies: ["CKaiABI"], path: "Plugins/Agents/Coder",
            cSettings: [.unsafeFlags(["-std=c11", "-Wall", "-Wextra", "-Werror", "-fvisibility=hidden"])]
        ),
        // The `sandbox_run` tool: code run in Kai's sandbox under the
        // operator's limits, so agents (the coder) can test what they write.
        .target(name: "KaiPluginSandbox", dependencies: ["CKaiABI", "KaiJSON", "KaiSandbox"], path: "Plugins/SandboxTool", exclude: ["README.md"]),

        // Native C functions as tools: plain C against the SDK header plus
        // libffi, calling what a native_tools entry lists (KaiNative makes
        // the manifests and the config it reads).
        .target(
            name: "KaiNativeBridge", dependencies: ["CKaiABI"], path: "Plugins/NativeBridge",
            cSettings: [.unsafeFlags(["-std=c11", "-Wall", "-Wextra", "-Werror", "-fvisibility=hidden"])],
            linkerSettings: [.linkedLibrary("ffi"), .linkedLibrary("dl")]
        ),

        // The sandbox launcher: its code (a C library), the executable, and
        // the same code as a shared library for fork servers.
        .target(
            name: "KaiSandboxLauncher", path: "sandbox/launcher",
            cSettings: [.unsafeFlags(["-std=c11", "-Wall", "-Wextra", "-Werror", "-fvisibility=hidden"])],
            linkerSettings: [.linkedLibrary("seccomp")]
        ),
        .executableTarget(
            name: "kai-sandbox", dependencies: ["KaiSandboxLauncher"], path: "sandbox/launcher-main",
            cSettings: [.unsafeFlags(["-std=c11", "-Wall", "-Wextra", "-Werror"])],
            // Pure C, linked statically with no Swift runtime: swiftc would
            // otherwise load libswiftCore and libstdc++ into every launch
            // (~2.5 ms of dynamic loading per sandbox run; static glibc and
            // libseccomp.a save ~0.3 ms more). -nostartfiles drops swiftrt.o,
            // the only reference to the Swift runtime, so its archive adds
            // nothing. Not a static PIE: SwiftPM adds -rpath=$ORIGIN, and
            // glibc's static-PIE start-up asserts there is no DT_RUNPATH.
            linkerSettings: [.unsafeFlags(["-nostartfiles", "-static-executable"])]
        ),
        // libKaiSandboxFork.so: kai_sandbox_fork(), the launcher for a warm
        // interpreter that forks itself into a fresh sandbox per run (kai
        // eval's Python). -nostartfiles keeps the Swift runtime out, as above.
        .target(
            name: "KaiSandboxFork", dependencies: ["KaiSandboxLauncher"], path: "sandbox/fork-server",
            cSettings: [.unsafeFlags(["-std=c11", "-Wall", "-Wextra", "-Werror", "-fvisibility=hidden"])],
            linkerSettings: [.unsafeFlags(["-nostartfiles"])]
        ),
        .target(name: "KaiSandbox", dependencies: ["KaiJSON"], path: "sandbox/Sources/KaiSandbox"),

        .executableTarget(name: "KaiBench", dependencies: ["KaiCore", "KaiJSON", "KaiJSONSchema", "KaiRegistry", "KaiRuntime", "KaiNative", "KaiMCP"], path: "bench/KaiBench"),

        .testTarget(name: "KaiJSONTests", dependencies: ["KaiJSON"]),
        .testTarget(name: "KaiJSONSchemaTests", dependencies: ["KaiJSONSchema"]),
        // Builds fixture plugins with plain cc and finds build products.
        .target(name: "KaiTestSupport", dependencies: ["KaiCore", "KaiJSON"], path: "Tests/KaiTestSupport"),
        .testTarget(name: "KaiCoreTests", dependencies: ["KaiCore", "KaiTestSupport"]),
        // The bundled provider plugins against a scripted server and a real one.
        .testTarget(
            name: "KaiProviderTests",
            dependencies: ["CKaiABI", "KaiCore", "KaiJSON", "KaiTestSupport", .product(name: "Logging", package: "swift-log"), "KaiOllamaWire", "KaiProviderKit"]
        ),
        .testTarget(name: "KaiWorkerTests", dependencies: ["KaiCore", "KaiJSON", "KaiTestSupport"]),
        .testTarget(name: "KaiValidateTests", dependencies: ["KaiValidate", "KaiCore", "KaiJSON", "KaiTestSupport"]),
        .testTarget(
            name: "KaiLocalProviderTests",
            dependencies: ["KaiLocalGrammar", "KaiCore", "KaiJSON", "KaiJSONSchema", "KaiTestSupport", "CKaiABI"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "KaiCLITests", dependencies: ["KaiJSON", "KaiJSONSchema", "KaiTestSupport"]),
        .testTarget(name: "KaiEvalTests", dependencies: ["KaiEval", "KaiTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "KaiSandboxTests", dependencies: ["KaiSandbox", "KaiTestSupport"], path: "sandbox/Tests/KaiSandboxTests"),
        .testTarget(name: "KaiRuntimeTests", dependencies: ["KaiRuntime", "KaiCore", "KaiRegistry", "KaiJSON", "KaiTestSupport"]),
        // Bundled agents run by a real runtime against scripted and real servers.
        .testTarget(name: "KaiAgentTests", dependencies: ["KaiRuntime", "KaiCore", "KaiRegistry", "KaiJSON", "KaiTestSupport"]),
        .testTarget(name: "KaiNativeTests", dependencies: ["KaiNative", "KaiCore", "KaiJSON", "KaiJSONSchema", "KaiTestSupport"]),
        .testTarget(name: "KaiMCPTests", dependencies: ["KaiMCP", "KaiRuntime", "KaiCore", "KaiJSON", "KaiTestSupport"]),
        .testTarget(name: "KaiRegistryTests", dependencies: ["KaiRegistry", "KaiTestSupport"], path: "registry/Tests/KaiRegistryTests"),
        // The launcher's C functions called directly: the cgroup v2 files a
        // v1 machine cannot give v2 (memory, pids), on a directory laid out
        // as the kernel lays out a cgroup.
        .testTarget(name: "KaiSandboxLauncherTests", dependencies: ["KaiSandboxLauncher"], path: "sandbox/Tests/KaiSandboxLauncherTests"),
        .testTarget(name: "KaiSandboxAttackTests", dependencies: ["KaiJSON", "KaiTestSupport"], path: "sandbox/Tests/KaiSandboxAttackTests", exclude: ["attacks"]),
    ]
)
