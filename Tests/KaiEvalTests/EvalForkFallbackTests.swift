import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai eval` without a working fork-server library says so and evaluates
/// with one interpreter per sample instead: same verdicts, nothing lost.
@Suite struct EvalForkFallbackTests {
    static func run(library: String) throws -> (KaiProcess.Outcome, [JSONValue]) {
        let directory = NSTemporaryDirectory() + "kai-eval-fallback-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let samples = directory + "/samples.jsonl"
        try FileManager.default.copyItem(atPath: Fixtures.repositoryRoot + "/Tests/Fixtures/eval/samples.jsonl", toPath: samples)
        let outcome = try KaiProcess.run(["eval", Fixtures.repositoryRoot + "/Tests/Fixtures/eval/problems.jsonl", samples, "--k", "1", "--json"],
                                         environment: ["KAI_SANDBOX_FORK_LIBRARY": library])
        let lines = (try? String(contentsOfFile: samples + "_results.jsonl", encoding: .utf8)) ?? ""
        return (outcome, try lines.split(separator: "\n").map { try JSONParser.parse(String($0)) })
    }

    @Test(.requiresSandboxCgroups) func libraryMissing_saysSoAndStillEvaluates() throws {
        let (outcome, records) = try Self.run(library: "/nonexistent/libKaiSandboxFork.so")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("kai eval: /nonexistent/libKaiSandboxFork.so not found; starting one interpreter per sample "
            + "(same isolation, slower; build it with `swift build --product KaiSandboxFork`)"), "\(outcome.stderr)")
        #expect(records.count == 6 && records.filter { $0["passed"] == true }.count == 3)
    }

    @Test(.requiresSandboxCgroups) func libraryBroken_failsItsTrialAndStillEvaluates() throws {
        let broken = NSTemporaryDirectory() + "kai-broken-fork-\(getpid()).so"
        try Data("not a shared object".utf8).write(to: URL(fileURLWithPath: broken))
        defer { try? FileManager.default.removeItem(atPath: broken) }
        let (outcome, records) = try Self.run(library: broken)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("kai eval: the sandbox fork server (\(broken)) failed a trial run ("), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("); starting one interpreter per sample (same isolation, slower)"), "\(outcome.stderr)")
        #expect(records.count == 6 && records.filter { $0["passed"] == true }.count == 3)
    }
}
