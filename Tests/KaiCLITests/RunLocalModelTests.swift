import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai run` with the real embedded model (SmolLM2-135M through llama.cpp):
/// made to call a tool on its first turn and then answer (--tool-choice
/// once), it calls calculate through the bundled assistant, and the run
/// completes. What it answers is the model's business; that the tool ran,
/// its result went back, and the run finished is Kai's.
@Suite struct RunLocalModelTests {
    @Test(.enabled(if: EvalGenerateLocalModelTests.hasModel, Comment(rawValue:
        "needs llama.cpp and SmolLM2-135M-Instruct from `make local-model` under \(EvalGenerateLocalModelTests.cache); run `make local-model`")))
    func theLocalModel_callsCalculate_andTheRunCompletes() throws {
        let directory = Fixtures.scratch + "/run-local-model"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.runCalculate(directory)
    }

    static func runCalculate(_ directory: String) throws {
        let outcome = try KaiProcess.run(
            ["run", "What is 6 * 7? Use the calculate tool, then answer in one sentence.", "-m", "local", "--tool", "calculate",
             "--tool-choice", "once", "--turn-tokens", "100", "--temperature", "0", "--json"],
            environment: ["HOME": directory, "KAI_CACHE_DIR": EvalGenerateLocalModelTests.cache])
        let events = try RunWorkspace.jsonLines(outcome.stdout)
        let outcomeLine = try #require(events.last, "\(outcome.stderr)")
        // "once": one tool turn, then an answer without tools.
        #expect(outcomeLine["status"] == "done", "\(outcome.stdout)\n\(outcome.stderr)")
        #expect(outcome.status == 0)
        let finished = try #require(events.first { $0["type"] == "tool_finished" }, "the model called a tool: \(outcome.stdout)")
        #expect(finished["tool"] == "calculate")
        #expect(finished["ok"] == true, "calculate ran: \(outcome.stdout)")
        #expect(outcomeLine["input_tokens"]?.intValue ?? 0 > 0)
        // --turn-tokens capped each of the two model turns.
        #expect(outcomeLine["output_tokens"]?.intValue ?? 1000 <= 200)
    }
}
