import ArgumentParser
import KaiEval

/// `kai eval --generate`: which provider writes the samples, and how.
struct EvalGenerationOptions: ParsableArguments {
    @Flag(name: .long, help: "First generate SAMPLES from a provider (-m), then evaluate them.") var generate = false
    @Flag(name: .long, help: "Generate SAMPLES from a provider (-m) and stop: no evaluation.") var generateOnly = false
    @Option(name: [.customShort("m"), .long], help: ArgumentHelp(
        "With --generate: the provider, optionally with a model (local, openai/gpt-4o-mini), as for 'kai prompt'.",
        valueName: "provider/model"))
    var model: String?
    @Option(name: .customLong("n"), help: ArgumentHelp("With --generate: samples per problem (default 1).", valueName: "N"))
    var samplesPerProblem: Int?
    @Option(name: .long, help: ArgumentHelp(
        "With --generate: sampling temperature, 0 to 2 (default 0, greedy, for one sample per problem; 0.8 for more, as the Codex paper used for pass@100).",
        valueName: "T"))
    var temperature: Double?
    @Option(name: .long, help: ArgumentHelp("With --generate: most tokens per sample (default 512).", valueName: "N"))
    var maxTokens: Int?
    @Option(name: .long, help: ArgumentHelp("With --generate: provider calls in flight at once (default 1).", valueName: "N"))
    var parallel: Int?
    @Option(name: .long, help: ArgumentHelp("With --generate: seed of sample 0 of each problem; sample i gets seed + i.", valueName: "S"))
    var seed: Int?

    /// True when samples are generated first.
    var generates: Bool { generate || generateOnly }

    func validate() throws {
        let given: [(String, Bool)] = [
            ("-m", model != nil), ("--n", samplesPerProblem != nil), ("--temperature", temperature != nil),
            ("--max-tokens", maxTokens != nil), ("--parallel", parallel != nil), ("--seed", seed != nil),
        ]
        if !generates, let (flag, _) = given.first(where: \.1) {
            throw ValidationError("\(flag) applies to generation; add --generate (or --generate-only), or drop \(flag).")
        }
        if let samplesPerProblem, samplesPerProblem < 1 { throw ValidationError("--n must be at least 1, got \(samplesPerProblem).") }
        if let temperature, !(0...2).contains(temperature) {
            throw ValidationError("--temperature must be between 0 and 2, got \(temperature).")
        }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1, got \(maxTokens).") }
        if let parallel, parallel < 1 { throw ValidationError("--parallel must be at least 1, got \(parallel).") }
        if let model, model.isEmpty || model.hasPrefix("/") {
            throw ValidationError("-m '\(model)' names no provider. Give a provider, optionally with a model: local, openai/gpt-4o-mini. Run 'kai models' to see them.")
        }
    }

    /// The provider asked: -m, else the embedded local model (as `kai prompt`).
    var provider: String { model ?? ProviderCallOptions.defaultModel }

    func options(resume: Bool) -> GenerationOptions {
        let n = samplesPerProblem ?? 1
        return GenerationOptions(
            samplesPerProblem: n, temperature: temperature ?? (n == 1 ? 0 : 0.8), maxTokens: maxTokens ?? 512,
            parallel: parallel ?? 1, seed: seed, resume: resume)
    }
}
