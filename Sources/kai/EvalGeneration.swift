import ArgumentParser
import Foundation
import KaiCore
import KaiEval
import KaiJSON

/// `kai eval --generate`: the samples file written by a provider through
/// the plugin host, before it is evaluated.
enum EvalGeneration {
    /// Generates the missing samples. Returns the summary when the samples
    /// file is ready to evaluate; exits (130 on Ctrl-C, the provider's
    /// status when it cannot serve the run) when it is not.
    static func run(_ generation: EvalGenerationOptions, runtime options: RuntimeOptions, problems: [EvalProblem],
                    samplesPath: String, resume: Bool) throws -> GenerationSummary {
        // Ctrl-C is routed before the runtime opens: libdispatch arms a
        // signal source asynchronously after resume(), and a SIGINT that
        // comes before it is armed meets SIG_IGN and is lost. Opening the
        // runtime (loading plugins) gives it ample time before the first call.
        let token = CancellationToken()
        let interrupt = GenerationInterrupt(token)
        let runtime = try options.openRuntime()
        let name = generation.provider
        do throws(CallError) {
            _ = try runtime.host.providerIndex.resolve(String(name.prefix { $0 != "/" }))
        } catch {
            CallRecording.confirm(runtime, callSucceeded: false)
            throw ExitCodes.fail(ExitCodes.providerMessage(error), ExitCodes.forProviderError(error))
        }
        let host = runtime.host
        let display = GenerationProgressDisplay()
        let summary: GenerationSummary
        do {
            summary = try SampleGeneration(problems: problems, samplesPath: samplesPath, options: generation.options(resume: resume)) {
                request throws(GenerationFailure) in
                do throws(CallError) {
                    // The one provider call of generation: a router, when there is one, takes `name` here.
                    // Streamed, and stopped once the answer is whole (the request carries no stop sequences).
                    let answer = StreamedAnswer()
                    let onEvent: ToolEventHandler = { event in
                        guard case .textDelta(let text) = event else { return .continue }
                        return answer.append(text) ? .stop : .continue
                    }
                    let options = CallOptions(cancellation: token, onEvent: onEvent)
                    let result = try host.callProvider(name, request: request.chatRequest.serializedBytes(), options: options)
                    return GenerationReply(text: result.content, model: result.model.map { "\(result.provider)/\($0)" } ?? result.provider)
                } catch {
                    runtime.callFailed(error)
                    throw GenerationFailure(ExitCodes.providerMessage(error), endsRun: token.isCancelled || endsRun(error))
                }
            }.run(progress: display.update, shouldStop: { token.isCancelled })
        } catch {
            interrupt.end()
            CallRecording.confirm(runtime, callSucceeded: false)
            throw ExitCodes.fail(error.description, ExitCodes.badArguments)
        }
        display.finish()
        interrupt.end()
        CallRecording.confirm(runtime, callSucceeded: true)
        Console.note(GenerationReport.text(summary, samplesPath: samplesPath))
        if token.isCancelled {
            throw ExitCodes.fail("interrupted: the samples generated so far are in \(samplesPath); run the same command with --resume to continue.", ExitCodes.cancelled)
        }
        if let stop = summary.stoppedBy {
            throw ExitCodes.fail("generation stopped: \(stop.message)", ExitCodes.providerFailed)
        }
        if summary.generated + summary.alreadyThere == 0 {
            throw ExitCodes.fail("no sample could be generated; the first failure: \(summary.failures.first?.message ?? "unknown")", ExitCodes.providerFailed)
        }
        return summary
    }

    /// Failures no retry or other sample can cure: an unknown model, a
    /// refused key, a plugin that is off, Ctrl-C. (INVALID_INPUT is not
    /// among them: it can be one problem's prompt, e.g. past the context.)
    static func endsRun(_ error: CallError) -> Bool {
        if error.kind.blamesCaller { return true }
        switch error {
        case .providerNotFound, .pluginUnavailable, .cancelled, .cancelKilled: return true
        case .toolFailed(_, let code, _, _): return [.notFound, .permissionDenied, .unsupported, .cancelled].contains(code)
        default: return false
        }
    }
}
