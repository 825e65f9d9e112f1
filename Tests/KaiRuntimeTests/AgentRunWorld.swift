import Foundation
import KaiCore
import KaiJSON
import KaiRegistry
@testable import KaiRuntime
import KaiTestSupport
import Synchronization

/// A real runtime for `kai run`'s engine: the openai plugin on the agent
/// scripted server (endpoint "scripted", priced so cost budgets bite), the
/// utils tools, the bundled agents (in-process, as runs need), and the
/// fixture plugin in a worker (tools without annotations, one that
/// crashes); plus `approvals` YAML. Runs use "-m openai/SCENARIO".
final class AgentRunWorld: Sendable {
    let directory: String
    let server: AgentScriptedServer
    let diagnostics = RecordingDiagnostics()
    private let configText: String

    init(_ name: String, approvals: String = "", extraPlugins: String = "") throws {
        directory = Fixtures.scratch + "/agent-run-\(name)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        server = try AgentScriptedServer()
        let fixture = try Fixtures.fixture()
        configText = """
            database: \(directory)/registry.sqlite
            plugins:
              - path: \(Fixtures.buildDirectory)/libKaiPluginOpenAI.so
                config:
                  endpoints:
                    - { name: scripted, base_url: "\(server.baseURL)", price_input_per_1m: 1000, price_output_per_1m: 2000 }
              - path: \(Fixtures.buildDirectory)/libKaiPluginUtils.so
              - path: \(Fixtures.buildDirectory)/libKaiPluginAgents.so
                isolation: inprocess
              - path: \(fixture)
                isolation: process
            \(extraPlugins)
            \(approvals)
            """
        try configText.write(toFile: configFile, atomically: true, encoding: .utf8)
    }

    var configFile: String { directory + "/kai.yaml" }

    /// A fresh runtime over the same config and database, as a new kai process opens it.
    func open() throws -> KaiRuntime {
        try KaiRuntime.open(settings: RuntimeSettings(configFile: configFile, bundledDirectory: nil),
                            environment: ["HOME": directory], diagnostics: diagnostics)
    }

    /// Runs `start` on a runtime of its own (shut down after), with `model`
    /// as -m openai/MODEL, and `adjust` for the rest of the request.
    func run(_ start: AgentRunRequest.Start, model: String?, events: EventLog? = nil,
             _ adjust: (inout AgentRunRequest) -> Void = { _ in }) throws -> Result<RunOutcome, RunError> {
        let runtime = try open()
        defer { try? runtime.shutdown() }
        return run(start, model: model, on: runtime, events: events, adjust)
    }

    func run(_ start: AgentRunRequest.Start, model: String?, on runtime: KaiRuntime, events: EventLog? = nil,
             _ adjust: (inout AgentRunRequest) -> Void = { _ in }) -> Result<RunOutcome, RunError> {
        var request = AgentRunRequest(start: start)
        request.model = model.map { "openai/" + $0 }
        request.timeout = 60
        if let events { request.onEvent = { events.append($0) } }
        adjust(&request)
        do throws(RunError) {
            return .success(try runtime.run(request))
        } catch {
            return .failure(error)
        }
    }

    /// The session and its events, read from the database by a new store.
    func session(_ id: String) throws -> (record: SessionRecord?, events: [SessionEvent]) {
        let runtime = try open()
        defer { try? runtime.shutdown() }
        return (try runtime.store.session(id: id), try runtime.store.sessionEvents(sessionID: id))
    }

    /// The messages of every chat request the server got.
    func requests() throws -> [JSONValue] { try server.requests() }
}

/// Every RunEvent of a run, in order.
final class EventLog: Sendable {
    private let events = Mutex<[RunEvent]>([])
    func append(_ event: RunEvent) { events.withLock { $0.append(event) } }
    var all: [RunEvent] { events.withLock { $0 } }
    var steps: [JSONValue] { all.compactMap { if case .step(_, let step) = $0 { step } else { nil } } }
    var text: String { all.compactMap { if case .text(_, let text) = $0 { text } else { nil } }.joined() }
}

/// A prompter answering from a script, one answer per question, that
/// records the questions and how many were asked at once. Each question
/// stays open until a second one arrives or 0.3 s pass: a gate that let
/// parallel calls ask at once would be caught in that window (a
/// serializing gate costs the test the window, nothing else).
final class ScriptedPrompter: ApprovalPrompter {
    private let state: Mutex<(answers: [ApprovalAnswer], questions: [ApprovalQuestion], asking: Int, mostAtOnce: Int)>
    private let second = DispatchSemaphore(value: 0)

    private let window: Bool

    /// `window`: hold each question open for a second one (parallel calls).
    init(_ answers: [ApprovalAnswer], window: Bool = false) {
        state = Mutex((answers, [], 0, 0))
        self.window = window
    }

    var questions: [ApprovalQuestion] { state.withLock { $0.questions } }
    var mostAtOnce: Int { state.withLock { $0.mostAtOnce } }

    func ask(_ question: ApprovalQuestion) -> ApprovalAnswer {
        let (answer, overlapping) = state.withLock { state -> (ApprovalAnswer, Bool) in
            state.asking += 1
            state.mostAtOnce = max(state.mostAtOnce, state.asking)
            state.questions.append(question)
            return (state.answers.isEmpty ? .deny : state.answers.removeFirst(), state.asking > 1)
        }
        if overlapping { second.signal() } else if window { _ = second.wait(timeout: .now() + .milliseconds(300)) }
        state.withLock { $0.asking -= 1 }
        return answer
    }
}

extension Result {
    var value: Success? { if case .success(let value) = self { value } else { nil } }
    var error: Failure? { if case .failure(let error) = self { error } else { nil } }
}

extension JSONValue {
    /// The tool messages of a chat request, by tool_call_id.
    var toolResults: [String: String] {
        var results: [String: String] = [:]
        for message in self["messages"]?.arrayValue ?? [] where message["role"]?.stringValue == "tool" {
            results[message["tool_call_id"]?.stringValue ?? ""] = message["content"]?.stringValue
        }
        return results
    }
}

/// A run on a thread of its own, so the test can act while it runs (Ctrl-C).
final class BackgroundRun: Sendable {
    private let result = Mutex<Result<RunOutcome, RunError>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> Result<RunOutcome, RunError>) {
        let thread = Thread { [self] in
            let outcome = body()
            result.withLock { $0 = outcome }
            done.signal()
        }
        thread.start()
    }

    /// Blocks until the run has ended.
    func wait() -> Result<RunOutcome, RunError>? {
        done.wait()
        return result.withLock { $0 }
    }
}
