import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai eval --generate` end to end: the real binary asks a real provider
/// plugin (Tests/Fixtures/coder_provider.c, which answers the fixture
/// problems in the shapes chat models use) for samples, writes them, and
/// evaluates them in the sandbox.
@Suite struct EvalGenerateCLITests {
    static let problems = Fixtures.repositoryRoot + "/Tests/Fixtures/eval/problems.jsonl"

    /// A scratch directory with a config loading the coder provider and a registry of its own.
    static func setUp(_ name: String) throws -> (directory: String, config: String) {
        let directory = Fixtures.scratch + "/eval-generate-\(name)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let plugin = try Fixtures.compile("coder_provider", source: Fixtures.repositoryRoot + "/Tests/Fixtures/coder_provider.c")
        let config = directory + "/kai.yaml"
        try "database: \(directory)/registry.sqlite\nplugins:\n  - path: \(plugin)\n".write(toFile: config, atomically: true, encoding: .utf8)
        return (directory, config)
    }

    /// kai with the test's config; the samples are trusted fixture code, so
    /// the evaluation runs wherever the sandbox runs at all.
    static func kai(_ arguments: [String], config: String) throws -> KaiProcess.Outcome {
        try KaiProcess.run(arguments + ["--config", config, "--no-bundled-plugins", "--no-require-isolation"])
    }

    static func lines(_ path: String) throws -> [JSONValue] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    static func write(_ problems: [(id: String, entry: String, prompt: String)], to path: String) throws {
        try problems.map { problem in
            JSONValue.object([
                "task_id": .string(problem.id), "prompt": .string(problem.prompt), "canonical_solution": "    return 1\n",
                "test": "def check(candidate):\n    assert candidate() == 1\n", "entry_point": .string(problem.entry),
            ]).serialized() + "\n"
        }.joined().write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func generate_writesNSamplesPerProblemWithTheModel_cutToTheBody_andEvaluatesThem() throws {
        let (directory, config) = try Self.setUp("basic")
        let samples = directory + "/samples.jsonl"
        let outcome = try Self.kai(["eval", Self.problems, samples, "--generate", "-m", "coder", "--n", "2", "--parallel", "3", "--seed", "5", "--k", "1,2", "--json"], config: config)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let written = try Self.lines(samples)
        #expect(written.count == 6)
        #expect(written.allSatisfy { $0["model"] == "coder/coder-1" })
        let completions = Dictionary(written.map { ($0["task_id"]!.stringValue!, $0["completion"]!.stringValue!) }, uniquingKeysWith: { first, _ in first })
        #expect(completions == [
            "Demo/0": "    return a + b\n",
            "Demo/1": "    lowered = text.lower()\n    return lowered == lowered[::-1]\n",
            "Demo/2": "    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n\n",
        ])
        let report = try JSONParser.parse(outcome.stdout)
        #expect(report["pass_at_k"] == ["pass@1": 1.0, "pass@2": 1.0])
        #expect(report["generation"]?["generated"] == 6 && report["generation"]?["failed"] == 0)
        #expect(outcome.stderr.contains("kai eval: generated 6 samples in "), "\(outcome.stderr)")
    }

    @Test func generatedPassRate_landsInTheProvidersCodingScore() throws {
        let (directory, config) = try Self.setUp("registry")
        let generated = try Self.kai(["eval", Self.problems, directory + "/samples.jsonl", "--generate", "-m", "coder", "--k", "1"], config: config)
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stdout.contains("pass@1      1.0000"), "\(generated.stdout)")
        let scores = try KaiProcess.run(["registry", "scores", "--kind", "provider", "--task-type", "coding", "--json", "--config", config])
        let coder = try JSONParser.parse(scores.stdout).arrayValue?.first { $0["name"] == "coder" }
        #expect(coder?["plugin"] == "test.coder" && coder?["calls"] == 3 && coder?["successRate"] == 1.0, "\(scores.stdout)")
    }

    @Test func anExistingSamplesFile_withoutResume_isRefused_andLeftAsItWas() throws {
        let (directory, config) = try Self.setUp("exists")
        let samples = directory + "/samples.jsonl"
        try "{\"task_id\":\"Demo/0\",\"completion\":\"    return a + b\\n\"}\n".write(toFile: samples, atomically: true, encoding: .utf8)
        let outcome = try Self.kai(["eval", Self.problems, samples, "--generate", "-m", "coder"], config: config)
        #expect(outcome.status == 65)
        #expect(outcome.stderr == "kai: error: \(samples): already holds samples; pass --resume to generate only the missing ones, or delete it to start again\n")
        #expect(try Self.lines(samples).count == 1)
    }

    @Test func anExistingResultsFile_withoutResume_isRefusedBeforeGenerating() throws {
        let (directory, config) = try Self.setUp("results-exist")
        let samples = directory + "/samples.jsonl"
        try "{}\n".write(toFile: samples + "_results.jsonl", atomically: true, encoding: .utf8)
        let outcome = try Self.kai(["eval", Self.problems, samples, "--generate", "-m", "coder"], config: config)
        #expect(outcome.status == 65)
        #expect(outcome.stderr == "kai: error: \(samples)_results.jsonl: already exists; pass --resume to continue that run, or delete it to start again\n")
        #expect(!FileManager.default.fileExists(atPath: samples), "nothing was generated")
    }

    @Test func resume_generatesOnlyTheMissingSamples_thenEvaluatesAll() throws {
        let (directory, config) = try Self.setUp("resume")
        let samples = directory + "/samples.jsonl"
        try "{\"task_id\":\"Demo/0\",\"completion\":\"    return a - b\\n\",\"model\":\"coder/coder-1\"}\n".write(toFile: samples, atomically: true, encoding: .utf8)
        let outcome = try Self.kai(["eval", Self.problems, samples, "--generate", "-m", "coder", "--resume", "--k", "1", "--json"], config: config)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try Self.lines(samples).map { $0["task_id"] } == ["Demo/0", "Demo/1", "Demo/2"])
        #expect(try Self.lines(samples).first?["completion"] == "    return a - b\n", "the sample already there is kept, not generated again")
        let report = try JSONParser.parse(outcome.stdout)
        #expect(report["generation"]?["generated"] == 2 && report["generation"]?["already_there"] == 1)
        #expect(report["passed"] == 2 && report["samples"] == 3)
    }

    @Test func aSampleThatFailsTwice_isLeftOut_theRestEvaluated_andKaiExits76() throws {
        let (directory, config) = try Self.setUp("failures")
        let problems = directory + "/problems.jsonl"
        try Self.write([("P/flaky", "f", "def f():\n    \"\"\"FLAKY\"\"\"\n"), ("P/broken", "g", "def g():\n    \"\"\"BROKEN\"\"\"\n")], to: problems)
        let samples = directory + "/samples.jsonl"
        let outcome = try Self.kai(["eval", problems, samples, "--generate", "-m", "coder", "--k", "1"], config: config)
        #expect(outcome.status == 76)
        #expect(try Self.lines(samples).map { $0["task_id"] } == ["P/flaky"], "the flaky sample was retried; the broken one left out")
        #expect(outcome.stderr.contains("""
            ; 1 failed twice and are not in \(samples) (run again with --resume to retry them):
              P/broken sample 0: provider "test.coder.coder" failed (UNAVAILABLE): cannot connect to http://127.0.0.1:9/v1/chat/completions: connection refused. Start the server.
            """), "\(outcome.stderr)")
        #expect(outcome.stderr.hasSuffix("kai: error: 1 samples could not be generated and were not evaluated; run the same command with --resume to generate them.\n"))
        #expect(outcome.stdout.contains("pass@1      1.0000"), "the generated sample was evaluated: \(outcome.stdout)")
    }

    @Test func anUnknownModel_stopsTheRunAtOnce() throws {
        let (directory, config) = try Self.setUp("unknown-model")
        let samples = directory + "/samples.jsonl"
        let outcome = try Self.kai(["eval", Self.problems, samples, "--generate", "-m", "coder/nope"], config: config)
        #expect(outcome.status == 76)
        #expect(outcome.stderr.hasSuffix("""
            kai: error: generation stopped: provider "test.coder.coder" failed (NOT_FOUND): coder serves only the model coder-1. Run 'kai models'.

            """), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: samples + "_results.jsonl"), "nothing was evaluated")
    }

    @Test func anUnknownProvider_isRefusedBeforeAnySample() throws {
        let (directory, config) = try Self.setUp("unknown-provider")
        let outcome = try Self.kai(["eval", Self.problems, directory + "/samples.jsonl", "--generate", "-m", "codr"], config: config)
        #expect(outcome.status == 66)
        #expect(outcome.stderr == "kai: error: no provider named \"codr\". Did you mean \"coder\"? Run 'kai providers list' to see the providers.\n")
    }

    @Test func ctrlC_cancelsTheCallInFlight_keepsTheFinishedSamples_andExits130() throws {
        let (directory, config) = try Self.setUp("ctrl-c")
        let problems = directory + "/problems.jsonl"
        try Self.write([("P/done", "f", "def f():\n    \"\"\"FLAKY\"\"\"\n"), ("P/hang", "g", "def g():\n    \"\"\"HANG\"\"\"\n")], to: problems)
        let samples = directory + "/samples.jsonl"
        let running = try KaiProcess.startAsFromAShell(
            ["eval", problems, samples, "--generate", "-m", "coder", "--config", config, "--no-bundled-plugins", "--no-require-isolation"])
        #expect(running.waitForStderr(containing: "generate: 1/2"))
        kill(running.process.processIdentifier, SIGINT)
        let outcome = running.finish()
        #expect(outcome.status == 130)
        #expect(outcome.stderr.hasSuffix(
            "kai: error: interrupted: the samples generated so far are in \(samples); run the same command with --resume to continue.\n"),
            "\(outcome.stderr)")
        #expect(outcome.stderr.contains("kai eval: generated 1 samples in "), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("failed twice"), "the cancelled sample is not a failed one: \(outcome.stderr)")
        #expect(try Self.lines(samples).map { $0["task_id"] } == ["P/done"])
        #expect(!FileManager.default.fileExists(atPath: samples + "_results.jsonl"), "nothing was evaluated")
    }

    @Test func generateOnly_writesTheSamples_andEvaluatesNothing() throws {
        let (directory, config) = try Self.setUp("generate-only")
        let samples = directory + "/samples.jsonl"
        let outcome = try Self.kai(["eval", Self.problems, samples, "--generate-only", "-m", "coder"], config: config)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try Self.lines(samples).count == 3)
        #expect(outcome.stdout == "")
        #expect(!FileManager.default.fileExists(atPath: samples + "_results.jsonl"))
    }

    @Test(arguments: [
        (["--n", "2"], "--n applies to generation; add --generate (or --generate-only), or drop --n."),
        (["-m", "coder"], "-m applies to generation; add --generate (or --generate-only), or drop -m."),
        (["--generate", "--n", "0"], "--n must be at least 1, got 0."),
        (["--generate", "--parallel", "0"], "--parallel must be at least 1, got 0."),
        (["--generate", "--temperature", "3"], "--temperature must be between 0 and 2, got 3.0."),
    ])
    func generationOptions_areChecked(arguments: [String], message: String) throws {
        let (directory, config) = try Self.setUp("usage")
        let outcome = try Self.kai(["eval", Self.problems, directory + "/samples.jsonl"] + arguments, config: config)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix("Error: \(message)\n"), "\(outcome.stderr)")
    }
}
