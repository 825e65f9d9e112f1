import Foundation
import KaiCore
import KaiJSON
import KaiRegistry
import KaiRuntime
import KaiTestSupport
import Synchronization

/// A runtime for agent runs: the real openai plugin pointed at the agent
/// scripted server (endpoint `s`), the bundled agents and utilities, and the
/// test.agentworld fixture (the rendezvous tool `meet`, the fixed-answer
/// agents alpha and beta), each run's model naming a scripted scenario.
struct AgentWorld {
    let directory: String
    let runtime: KaiRuntime
    let server: AgentScriptedServer

    /// `extraConfig`: more top-level config YAML (e.g. an `approvals:` section).
    init(_ name: String, extraConfig: String = "") throws {
        directory = Fixtures.scratch + "/agents-\(name)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        server = try AgentScriptedServer()
        let world = try Fixtures.compile("agent_world_plugin", source: Fixtures.repositoryRoot + "/Tests/Fixtures/agent_world_plugin.c",
                                         flags: ["-pthread"])
        let config = directory + "/kai.yaml"
        try """
            database: \(directory)/registry.sqlite
            plugins:
              - path: \(Fixtures.buildDirectory)/libKaiPluginOpenAI.so
                config:
                  endpoints:
                    - { name: s, base_url: "\(server.baseURL)" }
              - path: \(Fixtures.buildDirectory)/libKaiPluginAgents.so
              - path: \(Fixtures.buildDirectory)/libKaiPluginUtils.so
              - path: \(world)
            \(extraConfig)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let settings = RuntimeSettings(configFile: config, bundledDirectory: nil)
        runtime = try KaiRuntime.open(settings: settings, environment: ["HOME": directory], diagnostics: SilentDiagnostics())
    }

    /// Runs `agent` on `task` with the scenario as its model; the outcome and
    /// every event the run reported, in order.
    func run(
        _ scenario: String, task: String = "What is 6 * 7?", agent: String? = "assistant",
        configure: (inout AgentRunRequest) -> Void = { _ in }
    ) throws -> (outcome: RunOutcome, events: [RunEvent]) {
        var request = AgentRunRequest(start: .task(task))
        request.model = "openai/" + scenario
        request.agent = agent
        request.timeout = 60
        configure(&request)
        return try run(request)
    }

    func run(_ request: AgentRunRequest) throws -> (outcome: RunOutcome, events: [RunEvent]) {
        var request = request
        let events = EventLog()
        let watcher = request.onEvent
        request.onEvent = { event in
            events.append(event)
            watcher(event)
        }
        let outcome = try runtime.run(request)
        return (outcome, events.all)
    }

    /// The chat requests the scripted server received, in order.
    func requests() throws -> [JSONValue] { try server.requests() }

    /// Gives an agent `wins` successful and `losses` failed recorded calls
    /// for `taskType`, so its registry score for that task type differs.
    func seedScore(agent: String, taskType: String, wins: Int, losses: Int) throws {
        let id = try runtime.store.ensureCapability(pluginID: "test.agentworld", kind: .agent, name: agent)
        let records = (0..<(wins + losses)).map { index in
            PerformanceRecord(capabilityID: id, taskType: taskType, success: index < wins, durationSeconds: 0.01, recordedAt: 0)
        }
        try runtime.store.record(records)
    }
}

extension [RunEvent] {
    /// The steps among a run's events, with the agent each belongs to.
    var steps: [(agent: String, step: JSONValue)] {
        compactMap { event in
            if case .step(let agent, let step) = event { return (agent, step) }
            return nil
        }
    }

    func steps(ofType type: String) -> [JSONValue] {
        steps.map(\.step).filter { $0["type"]?.stringValue == type }
    }

    /// The text deltas, joined.
    var text: String {
        compactMap { event in
            if case .text(_, let text) = event { return text }
            return nil
        }.joined()
    }
}

/// The events of a run, appended from whichever thread reports them.
final class EventLog: Sendable {
    private let events = Mutex<[RunEvent]>([])
    func append(_ event: RunEvent) { events.withLock { $0.append(event) } }
    var all: [RunEvent] { events.withLock { $0 } }
}

struct SilentDiagnostics: RuntimeDiagnostics {
    func warning(_ text: String) {}
    func notice(_ text: String) {}
}
