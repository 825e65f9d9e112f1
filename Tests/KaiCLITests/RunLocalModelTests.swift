import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai run` with the real embedded model (SmolLM2-135M through llama.cpp):
/// made to call a tool on its first turn (--tool-choice required), it calls
/// calculate through the bundled assistant, and the run completes. What it
/// answers is the model's business; that the tool ran and the run finished
/// is Kai's.
@Suite struct RunLocalModelTests {
    @Test(.enabled(if: EvalGenerateLocalModelTests.hasModel, Comment(rawValue:
        "needs llama.cpp and SmolLM2-135M-Instruct from `make local-model` under \(EvalGenerateLocalModelTests.cache); run `make local-model`")))
    func theLocalModel_callsCalculate_andTheRunCompletes() throws {
        let directory = Fixtures.scratch + "/run-local-model"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // KNOWN ISSUE (issue 13): the local provider refuses to build a
        // grammar for calculate's input schema (maxLength 10000 is above
        // llama.cpp's 2000 repetitions; "propertyNames" on `variables` is not
        // supported), so the run fails before the model is asked. Fix there
        // (e.g. a grammar for the schema without what it cannot express: the
        // host validates the arguments anyway), then drop withKnownIssue.
        // Checked with such a fix (optional members the grammar cannot
        // express left out, maxLength above 2000 narrowed to 2000: every
        // call generated still satisfies the schema): the model calls
        // calculate and the run stops cleanly at the chain limit.
        try withKnownIssue("the local provider cannot build a grammar for calculate's input schema") {
            try Self.runCalculate(directory)
        }
    }

    static func runCalculate(_ directory: String) throws {
        let outcome = try KaiProcess.run(
            ["run", "What is 6 * 7? Use the calculator.", "-m", "local", "--tool", "calculate", "--tool-choice", "required",
             "--chain-limit", "3", "--json"],
            environment: ["HOME": directory, "KAI_CACHE_DIR": EvalGenerateLocalModelTests.cache])
        let events = try RunWorkspace.jsonLines(outcome.stdout)
        let outcomeLine = try #require(events.last, "\(outcome.stderr)")
        // A model this small often calls the tool again instead of answering: a
        // clean stop at the chain limit is a finished run too.
        #expect(["done", "chain_limit"].contains(outcomeLine["status"]?.stringValue ?? ""), "\(outcome.stdout)\n\(outcome.stderr)")
        let finished = try #require(events.first { $0["type"] == "tool_finished" }, "the model called a tool: \(outcome.stdout)")
        #expect(finished["tool"] == "calculate")
        #expect(outcomeLine["input_tokens"]?.intValue ?? 0 > 0)
    }
}
