import Foundation
import Synchronization

/// Generates `samplesPerProblem` completions for every problem by asking a
/// provider (`complete`, which the caller implements with its plugin host),
/// `parallel` at a time, appending each to the samples file as it arrives.
///
/// A failed call is tried once more; a sample that fails twice is left out
/// of the file (a provider outage is not the model's wrong answer, and
/// --resume asks for it again) and reported. A failure that `endsRun`, or
/// `shouldStop` turning true (Ctrl-C), stops the run: calls in flight
/// finish, no new one starts, and what was generated stays in the file.
public struct SampleGeneration: Sendable {
    public typealias Complete = @Sendable (GenerationRequest) throws(GenerationFailure) -> GenerationReply

    public let problems: [EvalProblem]
    public let samplesPath: String
    public let options: GenerationOptions
    public let complete: Complete

    public init(problems: [EvalProblem], samplesPath: String, options: GenerationOptions, complete: @escaping Complete) {
        self.problems = problems
        self.samplesPath = samplesPath
        self.options = options
        self.complete = complete
    }

    public func run(progress: @escaping @Sendable (GenerationProgress) -> Void = { _ in },
                    shouldStop: @escaping @Sendable () -> Bool = { false }) throws(EvalInputError) -> GenerationSummary {
        let file = try GeneratedSamplesFile(path: samplesPath, problems: problems, resume: options.resume)
        let pending = problems.flatMap { problem in
            let done = file.existing[problem.taskID] ?? []
            return (0..<options.samplesPerProblem).filter { !done.contains($0) }.map { (problem, $0) }
        }
        let state = Mutex(GenerationState())
        let next = Atomic<Int>(0)
        let started = MonotonicClockSeconds.now()
        let group = DispatchGroup()
        for _ in 0..<min(options.parallel, max(1, pending.count)) {
            group.enter()
            Thread {
                defer { group.leave() }
                while !shouldStop(), !state.withLock({ $0.stopped }) {
                    let position = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard position < pending.count else { return }
                    let outcome = generate(pending[position].0, index: pending[position].1, into: file, shouldStop: shouldStop)
                    let snapshot = state.withLock { state in
                        state.record(outcome)
                        return GenerationProgress(done: state.done, total: pending.count, failed: state.failures.count,
                                                  elapsed: MonotonicClockSeconds.now() - started)
                    }
                    progress(snapshot)
                }
            }.start()
        }
        group.wait()
        let final = state.withLock { $0 }
        if let writeError = final.writeError { throw writeError }
        return GenerationSummary(
            generated: final.generated, alreadyThere: problems.reduce(0) { total, problem in
                total + (file.existing[problem.taskID] ?? []).filter { $0 < options.samplesPerProblem }.count
            },
            failures: final.failures.sorted { ($0.taskID, $0.sampleIndex) < ($1.taskID, $1.sampleIndex) },
            stoppedBy: final.stoppedBy, elapsed: MonotonicClockSeconds.now() - started)
    }

    /// One sample: asked (twice at most), cut to a completion, appended.
    private func generate(_ problem: EvalProblem, index: Int, into file: GeneratedSamplesFile,
                          shouldStop: () -> Bool) -> SampleOutcome {
        let request = GenerationRequest(
            problem: problem, sampleIndex: index,
            chatRequest: HumanEvalPrompt.chatRequest(
                for: problem, temperature: options.temperature, maxTokens: options.maxTokens, seed: options.seed.map { $0 + index }))
        var failure: GenerationFailure?
        for _ in 0..<2 {
            do throws(GenerationFailure) {
                let reply = try complete(request)
                let completion = CompletionExtractor.completion(from: reply.text, problem: problem)
                do throws(EvalInputError) {
                    try file.append(taskID: problem.taskID, sampleIndex: index, completion: completion, model: reply.model)
                } catch {
                    return .writeFailed(error)
                }
                return .generated
            } catch {
                // A call cancelled by Ctrl-C is not a failure of the sample.
                if shouldStop() { return .interrupted }
                failure = error
                if error.endsRun { break }
            }
        }
        return .failed(FailedGeneration(taskID: problem.taskID, sampleIndex: index, message: failure!.message), endsRun: failure!.endsRun ? failure : nil)
    }

    enum SampleOutcome {
        case generated
        case failed(FailedGeneration, endsRun: GenerationFailure?)
        case writeFailed(EvalInputError)
        case interrupted
    }
}

private struct GenerationState {
    var done = 0
    var generated = 0
    var failures: [FailedGeneration] = []
    var stoppedBy: GenerationFailure?
    var writeError: EvalInputError?
    var stopped: Bool { stoppedBy != nil || writeError != nil }

    mutating func record(_ outcome: SampleGeneration.SampleOutcome) {
        done += 1
        switch outcome {
        case .generated: generated += 1
        case .failed(let failed, let fatal):
            failures.append(failed)
            if stoppedBy == nil, let fatal { stoppedBy = fatal }
        case .writeFailed(let error):
            if writeError == nil { writeError = error }
        case .interrupted: done -= 1
        }
    }
}
