import Foundation
import KaiCore
import KaiJSON
import KaiRegistry
import KaiRuntime
import KaiTestSupport
import Synchronization
import Testing

/// The coder agent (plain C, dev.kai.coder) run by a real runtime: the real
/// openai plugin against agent_scripted_server.py (code-pass answers a wrong
/// `add` first and the right one once it has seen a verdict; code-fail is
/// always wrong), the real sandbox_run tool and launcher.
@Suite(.requiresNamespaces) struct CoderAgentTests {
    static let tests = "assert add(2, 3) == 5, 'add(2, 3) should be 5'"

    @Test func failingFirstAttemptThenPassing_isDoneOnAttempt2() throws {
        let world = try CoderWorld("pass")
        let (outcome, events) = try world.run(model: "code-pass") { $0.tests = Self.tests }
        #expect(outcome.status == .done, "\(outcome.message) \(String(describing: outcome.error))")
        #expect(outcome.message == "The tests passed in the sandbox on attempt 2.\n\nThe code:\n```python\ndef add(a, b):\n    return a + b\n```")
        let attempts = events.attempts
        #expect(attempts.map { $0["ok"] } == [false, true])
        #expect(attempts.map { $0["attempt"] } == [1, 2])
        #expect(attempts.first?["message"] == "failed: exit code 1")
        #expect(attempts.last?["message"] == "the tests pass")
        #expect(outcome.inputTokens == 20 && outcome.outputTokens == 10)
        // The second request shows the model its first code and the sandbox's verdict on it.
        let requests = try world.server.requests()
        #expect(requests.count == 2)
        let retry = try #require(requests.last?["messages"]?.arrayValue)
        #expect(retry.map { $0["role"]?.stringValue ?? "" } == ["system", "user", "assistant", "user"])
        #expect(retry[2]["content"] == "```python\ndef add(a, b):\n    return a - b\n```")
        let feedback = try #require(retry[3]["content"]?.stringValue)
        #expect(feedback.hasPrefix("Attempt 1 failed. The sandbox ran your code with the tests:\nfailed: exit code 1\nstderr:\nTraceback"))
        #expect(feedback.contains("AssertionError: add(2, 3) should be 5"))
    }

    @Test func alwaysFailing_givesUpAfterThreeAttemptsSayingSo() throws {
        let world = try CoderWorld("fail")
        let (outcome, events) = try world.run(model: "code-fail") { $0.tests = Self.tests }
        #expect(outcome.status == .gaveUp, "\(outcome.message) \(String(describing: outcome.error))")
        #expect(outcome.message.hasPrefix(
            "The tests still fail after 3 attempts. The sandbox's verdict on the last one:\nfailed: exit code 1\nstderr:\nTraceback"))
        #expect(outcome.message.contains("AssertionError: add(2, 3) should be 5"))
        #expect(outcome.message.hasSuffix("The last code:\n```python\ndef add(a, b):\n    return a - b\n```"))
        #expect(events.attempts.map { $0["ok"] } == [false, false, false])
        #expect(try world.server.requests().count == 3)
    }

    @Test func maxAttempts2_givesUpAfterTwo() throws {
        let world = try CoderWorld("max2")
        let (outcome, events) = try world.run(model: "code-fail") {
            $0.tests = Self.tests
            $0.maxAttempts = 2
        }
        #expect(outcome.status == .gaveUp, "\(outcome.message) \(String(describing: outcome.error))")
        #expect(outcome.message.hasPrefix("The tests still fail after 2 attempts."))
        #expect(events.attempts.map { $0["attempt"] } == [1, 2])
        #expect(try world.server.requests().count == 2)
    }

    /// HumanEval's shape: the tests define check(candidate); the coder calls
    /// check(ENTRY_POINT) after them.
    @Test func entryPoint_isCheckedAfterTheTests() throws {
        let world = try CoderWorld("entry")
        let (outcome, events) = try world.run(model: "code-pass") {
            $0.tests = "def check(candidate):\n    assert candidate(2, 3) == 5\n"
            $0.entryPoint = "add"
        }
        #expect(outcome.status == .done, "\(outcome.message) \(String(describing: outcome.error))")
        let started = events.steps.filter { $0["type"] == "tool_started" }
        #expect(started.count == 2)
        #expect(started.first?["arguments"]?["tests"] == "def check(candidate):\n    assert candidate(2, 3) == 5\n\ncheck(add)\n")
        #expect(started.first?["arguments"]?["language"] == "python")
    }

    /// `kai run --agent coder "..."` has no field for tests: the task may end
    /// with a "Tests:" line and a fenced block.
    @Test func testsInTheTaskText_areRun() throws {
        let world = try CoderWorld("task-tests")
        let task = "Write add(a, b) returning the sum.\n\nTests:\n```python\n\(Self.tests)\n```\n"
        let (outcome, _) = try world.run(model: "code-fail", task: task) { $0.maxAttempts = 1 }
        #expect(outcome.status == .gaveUp, "\(outcome.message) \(String(describing: outcome.error))")
        #expect(outcome.message.hasPrefix("The tests still fail after 1 attempt. The sandbox's verdict on the last one:\nfailed: exit code 1"))
        #expect(outcome.message.contains("AssertionError: add(2, 3) should be 5"))
    }

    /// --continue after giving up: the task is the user's messages so far,
    /// the first task and the follow-up, and the attempts start again.
    @Test func continuedSession_keepsTheFirstTaskWithTheFollowUp() throws {
        let world = try CoderWorld("continue")
        let (first, _) = try world.run(model: "code-fail") {
            $0.tests = Self.tests
            $0.maxAttempts = 1
        }
        #expect(first.status == .gaveUp, "\(first.message) \(String(describing: first.error))")
        let (outcome, _) = try world.run(model: "code-pass") {
            $0.start = .continueSession(session: first.sessionID, followUp: "Try again, and mind the sign.")
            $0.maxAttempts = 3  // the session keeps its settings (1) unless the follow-up sets them
        }
        #expect(outcome.status == .done, "\(outcome.message) \(String(describing: outcome.error))")
        #expect(outcome.sessionID == first.sessionID)
        let requests = try world.server.requests()
        #expect(requests.count == 3)
        let task = requests[1]["messages"]?.arrayValue?[1]["content"]?.stringValue ?? ""
        #expect(task.hasPrefix("Task:\nWrite add(a, b) returning the sum.\n\nTry again, and mind the sign.\n\n"), "\(task)")
    }

    /// A first task that itself starts with the prompt's own marker ("Task:\n"
    /// then "\nYour code must pass these tests"): continuing must read it
    /// back without writing outside the text (it used to crash kai).
    @Test func continuedSession_whoseTaskStartsWithTheTestsMarker_doesNotCrash() throws {
        let world = try CoderWorld("continue-marker")
        let (first, _) = try world.run(model: "code-fail", task: "\nYour code must pass these tests") {
            $0.tests = Self.tests
            $0.maxAttempts = 1
        }
        #expect(first.status == .gaveUp, "\(first.message) \(String(describing: first.error))")
        let (outcome, _) = try world.run(model: "code-pass") {
            $0.start = .continueSession(session: first.sessionID, followUp: "Try again.")
            $0.maxAttempts = 3
        }
        #expect(outcome.status == .done, "\(outcome.message) \(String(describing: outcome.error))")
        let requests = try world.server.requests()
        let task = requests.count > 1 ? requests[1]["messages"]?.arrayValue?[1]["content"]?.stringValue ?? "" : ""
        #expect(task.hasPrefix("Task:\n\nYour code must pass these tests\n\nTry again.\n\nYour code must pass these tests, which"), "\(task)")
    }

    @Test func noTests_failsSayingHowToGiveThem() throws {
        let world = try CoderWorld("no-tests")
        let (outcome, _) = try world.run(model: "code-pass") { _ in }
        #expect(outcome.status == .failed)
        #expect(try world.server.requests().isEmpty)
        let error = try #require(outcome.error)
        #expect(error.description.contains(
            #"the coder needs tests to know when the code is right: give "tests" in its input (Python run after the code, e.g. asserts), or end the task with a line "Tests:" and a ```python block"#),
            "\(error.description)")
    }

    /// A call the policy says to ask about, with no terminal to ask: the
    /// run refuses it, nothing can be tested, so the coder stops at once and
    /// says so rather than trying again.
    @Test func sandboxRefused_givesUpSayingTheCodeCouldNotBeTested() throws {
        let world = try CoderWorld("refused", extra: "approvals:\n  tools:\n    sandbox_run: {mode: ask}")
        let (outcome, events) = try world.run(model: "code-pass") { $0.tests = Self.tests }
        #expect(outcome.status == .gaveUp, "\(outcome.message) \(String(describing: outcome.error))")
        #expect(outcome.message.hasPrefix("The code could not be tested: the sandbox_run call was refused: "), "\(outcome.message)")
        #expect(outcome.message.contains("--approve"), "\(outcome.message)")
        #expect(events.attempts.map { $0["ok"] } == [false])
        #expect(try world.server.requests().count == 1)
    }

    /// A sandbox that needs two approvers: the run pauses at the first
    /// call, and the coder returns at once without asking the model again.
    @Test func sandboxWaitingForTwoApprovers_pausesTheRunAtOnce() throws {
        let world = try CoderWorld("pending", extra: "approvals:\n  tools:\n    sandbox_run: {mode: ask, approvers: 2}")
        let (outcome, events) = try world.run(model: "code-pass") { $0.tests = Self.tests }
        #expect(outcome.status == .paused, "\(outcome.message) \(String(describing: outcome.error))")
        #expect(outcome.pendingApprovals.count == 1)
        #expect(events.attempts.isEmpty)
        #expect(try world.server.requests().count == 1)
    }

    /// A policy denying sandbox_run keeps it out of the run's tools: the
    /// coder fails before asking the model twice, naming what to change.
    @Test func sandboxDeniedByPolicy_failsNamingTheTool() throws {
        let world = try CoderWorld("denied", extra: "approvals:\n  tools:\n    sandbox_run: {mode: deny}")
        let (outcome, _) = try world.run(model: "code-pass") {
            $0.tests = Self.tests
            $0.tools = []
        }
        #expect(outcome.status == .failed)
        let error = try #require(outcome.error)
        #expect(error.description.contains(
            "the coder needs the sandbox_run tool (plugin dev.kai.sandbox), which this run does not offer: enable the plugin, "
                + "do not deny the tool in the approvals policy, and name it when the run lists its tools (--tool sandbox_run)"),
            "\(error.description)")
        #expect(try world.server.requests().count == 1)
    }

    /// The same source built with plain cc, as a third party ships it, runs as
    /// the run's agent exactly like the bundled build.
    @Test func coderBuiltWithPlainCC_runsAsTheAgent() throws {
        let library = try Fixtures.compile("kai_coder_agent_plain", source: Fixtures.repositoryRoot + "/Plugins/Agents/Coder/coder.c")
        let world = try CoderWorld("plain-cc", coder: library)
        let (outcome, _) = try world.run(model: "code-pass") { $0.tests = Self.tests }
        #expect(outcome.status == .done, "\(outcome.message) \(String(describing: outcome.error))")
        #expect(outcome.message.hasPrefix("The tests passed in the sandbox on attempt 2."))
    }
}

/// A runtime whose config has the openai plugin on the agent scripted
/// server, sandbox_run (isolation not required, so it runs wherever
/// namespaces do) and the coder; no other plugin.
struct CoderWorld {
    let server: AgentScriptedServer
    let runtime: KaiRuntime

    /// `extra`: more top-level config (YAML), e.g. an approvals: section.
    init(_ name: String, coder: String = Fixtures.buildDirectory + "/libKaiPluginCoder.so", extra: String = "") throws {
        server = try AgentScriptedServer()
        let directory = Fixtures.scratch + "/coder-\(name)-\(server.port)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/kai.yaml"
        try """
            database: \(directory)/registry.sqlite
            plugins:
              - path: \(Fixtures.buildDirectory)/libKaiPluginOpenAI.so
                config:
                  endpoints:
                    - { name: scripted, base_url: "\(server.baseURL)" }
              - path: \(Fixtures.buildDirectory)/libKaiPluginSandbox.so
                config: { require_isolation: false }
              - path: \(coder)
            \(extra)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        runtime = try KaiRuntime.open(settings: RuntimeSettings(configFile: config, bundledDirectory: nil),
                                      environment: ["HOME": directory], diagnostics: CoderTestDiagnostics())
    }

    /// Runs the coder on `task` with the scripted `model`; the outcome and
    /// every event the run sent.
    func run(model: String, task: String = "Write add(a, b) returning the sum.",
             _ configure: (inout AgentRunRequest) -> Void) throws -> (RunOutcome, RunEvents) {
        let events = RunEvents()
        var request = AgentRunRequest(start: .task(task))
        request.agent = "coder"
        request.model = "openai/\(model)"
        request.tools = ["sandbox_run"]
        request.timeout = 120
        request.onEvent = { events.append($0) }
        configure(&request)
        return (try runtime.run(request), events)
    }
}

/// What a run sent to its watcher, kept for the test to read.
final class RunEvents: Sendable {
    private let events = Mutex<[RunEvent]>([])

    func append(_ event: RunEvent) { events.withLock { $0.append(event) } }

    /// Every step object, in order.
    var steps: [JSONValue] {
        events.withLock { $0 }.compactMap { if case .step(_, let step) = $0 { step } else { nil } }
    }

    /// The coder's attempt steps.
    var attempts: [JSONValue] { steps.filter { $0["type"] == "attempt" } }
}

struct CoderTestDiagnostics: RuntimeDiagnostics {
    func warning(_ text: String) {}
    func notice(_ text: String) {}
}
