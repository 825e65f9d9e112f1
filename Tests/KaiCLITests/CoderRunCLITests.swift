import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai run --agent coder` end to end: the real kai, the coder (plain C),
/// sandbox_run with the real launcher, and the agent scripted server
/// (code-pass: a wrong `add` first, the right one once the model has seen a
/// verdict; code-fail: always wrong).
@Suite(.requiresNamespaces) struct CoderRunCLITests {
    static let task = "Write add(a, b) returning the sum."

    /// A RunWorkspace with copies of the coder and sandbox plugins (isolation
    /// not required, so the suite runs wherever namespaces do) and a tests file.
    static func workspace(_ name: String, tests: String = "assert add(2, 3) == 5\n") throws -> (RunWorkspace, tests: String) {
        let directory = Fixtures.scratch + "/run-coder-\(name)"
        let workspace = try RunWorkspace("coder-\(name)", plugins: """
              - path: \(directory)/libKaiPluginSandbox.so
                config: { require_isolation: false }
              - path: \(directory)/libKaiPluginCoder.so
            """)
        for plugin in ["Sandbox", "Coder"] {
            try FileManager.default.copyItem(atPath: Fixtures.buildDirectory + "/libKaiPlugin\(plugin).so",
                                             toPath: directory + "/libKaiPlugin\(plugin).so")
        }
        let file = directory + "/tests.py"
        try tests.write(toFile: file, atomically: true, encoding: .utf8)
        return (workspace, file)
    }

    @Test func runCoder_failingThenPassing_printsThePassingCode_andExits0() throws {
        let (workspace, tests) = try Self.workspace("pass")
        let outcome = try workspace.run("code-pass", Self.task, ["--agent", "coder", "--tests", tests])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "The tests passed in the sandbox on attempt 2.\n\nThe code:\n```python\ndef add(a, b):\n    return a + b\n```\n")
        let lines = outcome.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("↻ attempt 1 failed: failed: exit code 1"), "\(outcome.stderr)")
        #expect(lines.contains("↻ attempt 2 passed: the tests pass"), "\(outcome.stderr)")
        #expect(lines.last == "done · tokens 20 in / 10 out")
        // The coder's own sandbox runs count as the session's tool calls,
        // though its model history has no tool messages.
        let listed = try JSONParser.parse(Array(try workspace.kai(["sessions", "list", "--json"]).stdout.utf8))
        let first = listed.arrayValue?.first
        #expect(first?["toolCalls"] == 2 && first?["turns"] == 2, "\(listed)")
    }

    @Test func runCoder_maxAttempts2_givesUpSayingSo_andExits1() throws {
        let (workspace, tests) = try Self.workspace("fail")
        let outcome = try workspace.run("code-fail", Self.task, ["--agent", "coder", "--tests", tests, "--max-attempts", "2"])
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("The tests still fail after 2 attempts. The sandbox's verdict on the last one:\nfailed: exit code 1\n"))
        #expect(outcome.stdout.hasSuffix("AssertionError\n\nThe last code:\n```python\ndef add(a, b):\n    return a - b\n```\n"), "\(outcome.stdout)")
        #expect(outcome.stderr.split(separator: "\n").last == "gave up · tokens 20 in / 10 out")
        #expect(try workspace.server.requests().count == 2)
    }

    /// HumanEval's shape: tests defining check(candidate), and --entry-point.
    @Test func runCoder_entryPoint_checksTheFunctionAfterTheTests() throws {
        let (workspace, tests) = try Self.workspace("entry", tests: "def check(candidate):\n    assert candidate(2, 3) == 5\n")
        let outcome = try workspace.run("code-pass", Self.task, ["--agent", "coder", "--tests", tests, "--entry-point", "add"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains(#""tests":"def check(candidate):\n    assert candidate(2, 3) == 5\n\ncheck(add)\n""#), "\(outcome.stderr)")
    }
}
