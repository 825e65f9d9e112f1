import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai eval` at many more workers than cores, through the real CLI and
/// sandbox: every result lands in the results file exactly once and in
/// sample order, a resumed run keeps what was finished and runs only the
/// rest, and KAI_EVAL_PROFILE=1 reports each lock on the per-sample path.
@Suite(.serialized) struct EvalManyWorkersTests {
    /// 48 problems, each with its canonical solution and a wrong one: 96
    /// samples whose verdicts alternate, so a result written under the
    /// wrong sample shows.
    static let sampleCount = 96

    let directory: String
    let samples: String

    init() throws {
        try HumanEvalPackage.ensure()
        directory = Fixtures.scratch + "/eval-many-workers-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        samples = directory + "/samples.jsonl"
        let problems = try HumanEvalPackage.problems().prefix(Self.sampleCount / 2)
        let lines = problems.flatMap { problem -> [String] in
            let taskID = problem["task_id"] ?? ""
            return [JSONValue.object(["task_id": taskID, "completion": problem["canonical_solution"] ?? ""]).serialized(),
                    JSONValue.object(["task_id": taskID, "completion": "    return 'kai-wrong-answer'\n"]).serialized()]
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: samples, atomically: true, encoding: .utf8)
    }

    private func evaluate(_ extra: [String] = [], environment: [String: String] = [:]) throws -> KaiProcess.Outcome {
        try KaiProcess.run(["eval", HumanEvalPackage.dataset, samples, "--workers", "16", "--k", "1", "--json"] + extra,
                           environment: environment)
    }

    private func results() throws -> [JSONValue] {
        try String(contentsOfFile: samples + "_results.jsonl", encoding: .utf8)
            .split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    /// Each line's sample_index and passed, in file order.
    private func indexesAndVerdicts(_ lines: [JSONValue]) -> [(Int, Bool)] {
        lines.map { (Int($0["sample_index"]?.intValue ?? -1), $0["passed"] == true) }
    }

    private var expected: [(Int, Bool)] { (0..<Self.sampleCount).map { ($0, $0 % 2 == 0) } }

    @Test(.requiresSandboxCgroups) func sixteenWorkers_writeEveryResultExactlyOnce_inSampleOrder() throws {
        let outcome = try evaluate()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let got = indexesAndVerdicts(try results())
        #expect(got.map(\.0) == expected.map(\.0))
        #expect(got.map(\.1) == expected.map(\.1))
        let summary = try JSONParser.parse(outcome.stdout)
        #expect(summary["samples"] == .number(Double(Self.sampleCount)))
        #expect(summary["passed"] == .number(Double(Self.sampleCount / 2)))
    }

    @Test(.requiresSandboxCgroups) func resume_withSixteenWorkers_keepsTheFinishedLines_andRunsOnlyTheRest() throws {
        #expect(try evaluate().status == 0)
        // A killed run: 30 lines finished (marked, to show they are kept
        // rather than run again), out of order, and half of a 31st.
        var kept = try results().prefix(30).map { line -> JSONValue in
            guard case .object(var object) = line else { return line }
            object["wall_time_ms"] = 12345
            return .object(object)
        }
        kept.reverse()
        let partial = try results()[30].serialized().prefix(20)
        try (kept.map { $0.serialized() + "\n" }.joined() + partial).write(toFile: samples + "_results.jsonl", atomically: true, encoding: .utf8)

        let outcome = try evaluate(["--resume"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = try results()
        let got = indexesAndVerdicts(lines)
        #expect(got.map(\.0) == expected.map(\.0))
        #expect(got.map(\.1) == expected.map(\.1))
        let marked = lines.enumerated().filter { $0.element["wall_time_ms"] == 12345 }.map(\.offset)
        #expect(marked == Array(0..<30))
    }

    @Test(.requiresSandboxCgroups) func profile_namesEveryLockOnTheSamplePath_andKaisCPUPerSample() throws {
        let outcome = try evaluate(environment: ["KAI_EVAL_PROFILE": "1"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stderr.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("kai eval profile: ") })
        #expect(header.hasPrefix("kai eval profile: \(Self.sampleCount) samples, 16 workers, "))
        #expect(header.contains(" s wall; kai's own CPU ") && header.contains(" ms/sample (user "))
        // Acquisitions: one per sample (the pool's also once for kai's
        // trial run of the fork server before the evaluation).
        let acquisitions = ["evaluation state": 0, "fork server pool (return)": 1, "fork server pool (take)": 1,
                            "progress display": 0, "results file": 0]
        for (lock, extra) in acquisitions {
            let line = lines.first { $0.hasPrefix("  " + lock + " ") }
            let count = line.flatMap { Int($0.dropFirst(2 + lock.count).split(separator: " ").first ?? "") }
            #expect(count == Self.sampleCount + extra, "\(lock): \(line ?? "missing")")
        }
        for phase in ["fork server round trip", "program file write", "results line append", "sample, whole (worker's view)"] {
            #expect(lines.contains { $0.hasPrefix("  " + phase + " ") }, "\(phase) missing from \(outcome.stderr)")
        }

        try FileManager.default.removeItem(atPath: samples + "_results.jsonl")
        let quiet = try evaluate()
        #expect(quiet.status == 0)
        #expect(!quiet.stderr.contains("kai eval profile"))
    }
}
