import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai eval --generate -m local`: the real SmolLM2-135M writes the fixture
/// problems' samples. What it writes is the model's business; that it lands
/// in the samples file, attributed and evaluated, is Kai's.
@Suite struct EvalGenerateLocalModelTests {
    static let cache: String = {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["KAI_CACHE_DIR"], !dir.isEmpty { return dir }
        if let dir = env["XDG_CACHE_HOME"], !dir.isEmpty { return dir + "/kai" }
        return NSHomeDirectory() + "/.cache/kai"
    }()
    static let hasModel = FileManager.default.fileExists(atPath: cache + "/llama-cpp-python-0.3.36/lib/libllama.so")
        && FileManager.default.fileExists(atPath: cache + "/models/SmolLM2-135M-Instruct.Q4_1.gguf")

    @Test(.enabled(if: hasModel, Comment(rawValue:
        "needs llama.cpp and SmolLM2-135M-Instruct from `make local-model` under \(cache); run `make local-model`")))
    func theLocalModel_writesASamplePerProblem_attributedToItsProvider_andTheyAreEvaluated() throws {
        let directory = Fixtures.scratch + "/eval-generate-local"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let samples = directory + "/samples.jsonl"
        let outcome = try KaiProcess.run(
            ["eval", Fixtures.repositoryRoot + "/Tests/Fixtures/eval/problems.jsonl", samples, "--generate", "-m", "local",
             "--max-tokens", "128", "--k", "1", "--json", "--no-require-isolation"],
            environment: ["HOME": directory, "KAI_CACHE_DIR": Self.cache])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = try String(contentsOfFile: samples, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(lines.map { $0["task_id"] } == ["Demo/0", "Demo/1", "Demo/2"])
        #expect(lines.allSatisfy { $0["model"] == "local/smollm2-135m-instruct.q4_1" })
        let report = try JSONParser.parse(outcome.stdout)
        #expect(report["samples"] == 3 && report["generation"]?["generated"] == 3)
    }
}
