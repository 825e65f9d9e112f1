import ArgumentParser
import Foundation
import KaiEval
import KaiRegistry

/// `kai eval --slurm N` (the coordinator) and `kai eval --shard I/N` (one
/// array task). Both assume a file system every node shares: the tasks read
/// the problems and samples and write their shard files where the
/// coordinator reads them.
extension EvalCommand {
    /// One array task: the shard's samples in the sandbox, into the run directory.
    func runShard(_ shard: EvalShard, problems: [EvalProblem], samples: [EvalSample]) throws {
        // A late task whose inputs changed under it fails instead of merging
        // results of other samples or limits into the run.
        if let expected = slurm.slurmDigest, let actual = runDigest(), actual != expected {
            throw ExitCodes.fail("shard \(shard): the samples, the problems or the evaluation settings (--timeout, --memory, isolation) "
                + "differ from those kai eval --slurm started this run with (run digest \(expected.prefix(12)), now \(actual.prefix(12))); "
                + "this task stops without results. Restore them, or delete \(slurm.slurmDir!) and start again.", ExitCodes.badArguments)
        }
        let runner = try EvalSandbox.runner(timeout: timeout, memoryMB: memory, requireIsolation: requireIsolation)
        let options = EvaluationOptions(ks: ks, workers: workers ?? Self.allocatedCPUs(), timeout: timeout,
                                        resultsPath: "", resume: true)
        let task = ShardTask(shard: shard, directory: SlurmRunDirectory(path: Self.absolute(slurm.slurmDir!)))
        do {
            let summary = try task.run(problems: problems, samples: samples, runner: runner, options: options, progress: { _ in })
            let line = summary.map { "shard \(shard): \($0.total) samples, \($0.passed) passed" } ?? "shard \(shard): already finished"
            Console.visibleOut(line)
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.badArguments)
        }
    }

    /// The coordinator: submits, watches, resubmits, merges, then records in
    /// the registry as a local run does.
    func runOnSlurm(samples: [EvalSample], resultsPath: String, generated: GenerationSummary?) throws {
        let shards = slurm.slurm!
        let directory = SlurmRunDirectory(path: Self.absolute(slurm.slurmDir ?? resultsPath + ".slurm"))
        var command = [Self.executablePath(), "eval", Self.absolute(problems), Self.absolute(self.samples!),
                       "--slurm-dir", directory.path, "--timeout", "\(timeout)", "--memory", "\(memory)"]
        if let workers { command += ["--workers", "\(workers)"] }
        if !requireIsolation { command.append("--no-require-isolation") }
        let digest = runDigest() ?? ""
        command += ["--slurm-digest", digest]
        let sbatch = (workers.map { ["--cpus-per-task=\($0)"] } ?? []) + slurm.sbatchArg
        let options = SlurmEvaluationOptions(
            shards: min(shards, samples.count), retries: slurm.slurmRetries, pollInterval: slurm.slurmPoll,
            sbatchArguments: sbatch, shardCommand: command, directory: directory,
            resultsPath: Self.absolute(resultsPath), ks: ks, resume: resume, digest: digest)
        let evaluation = SlurmEvaluation(samples: samples, client: SlurmClient(), options: options)
        let outcome: SlurmOutcome
        do {
            outcome = try evaluation.run(events: EvalSlurmDisplay.show)
        } catch {
            throw ExitCodes.fail(error.description, Self.exitCode(error))
        }
        // At most once, under the coordinator lock (held by `outcome`): run.json
        // says "recording" before the registry sees a record, so a coordinator
        // that dies in between is never followed by a second recording.
        do {
            switch outcome.recording {
            case .needed:
                try evaluation.markRecording()
                try recordInRegistry(outcome.summary)
                try evaluation.markMerged()
            case .interrupted:
                Console.note("eval: an earlier kai eval --slurm stopped while recording this run in the registry; it is not recorded again "
                    + "(a sample is never counted twice), so the registry may lack some of this run's records")
                try evaluation.markMerged()
            case .done:
                break
            }
        } catch let error as SlurmError {
            throw ExitCodes.fail(error.description, ExitCodes.badArguments)
        }
        json ? Console.visibleJSON(EvalReport.json(outcome.summary, checkProblems: false, generation: generated))
            : Console.visibleOut(EvalReport.text(outcome.summary, workers: options.shards * (workers ?? 1), checkProblems: false, generation: generated))
    }

    static func exitCode(_ error: SlurmError) -> Int32 {
        switch error {
        case .commandMissing, .commandFailed, .unexpectedOutput, .accountingDisabled: ExitCodes.unavailable
        case .shardExhausted, .cancelledByUser: ExitCodes.toolFailed
        case .incomplete, .conflicting, .runDirectory, .coordinatorRunning, .sbatchRefused: ExitCodes.badArguments
        }
    }

    /// SHA-256 over the problems and samples files and the settings that
    /// change a verdict: what run.json and every task's --slurm-digest
    /// identify the run by (nil when a file cannot be read).
    func runDigest() -> String? {
        guard let problemsData = FileManager.default.contents(atPath: problems),
              let samplesData = FileManager.default.contents(atPath: samples!) else { return nil }
        let settings = "timeout=\(timeout);memory=\(memory);isolation=\(requireIsolation);"
        let parts = [SHA256.hex([UInt8](problemsData)), SHA256.hex([UInt8](samplesData)), settings]
        return SHA256.hex(Array(parts.joined(separator: "\n").utf8))
    }

    /// CPUs Slurm gave this task (the whole machine outside Slurm).
    static func allocatedCPUs() -> Int {
        let environment = ProcessInfo.processInfo.environment
        for name in ["SLURM_CPUS_PER_TASK", "SLURM_JOB_CPUS_PER_NODE"] {
            if let value = environment[name], let count = Int(value.prefix { $0.isNumber }), count > 0 { return count }
        }
        return ProcessInfo.processInfo.activeProcessorCount
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// This kai's own path, which every node must reach at the same place.
    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// The coordinator's lines on stderr: submissions, resubmissions and
/// progress across shards.
enum EvalSlurmDisplay {
    static func show(_ event: SlurmEvent) {
        switch event {
        case .submitted(let job, let shards):
            Console.note("eval: submitted Slurm job \(job) (\(shards.count) shards: array \(shards.map(String.init).joined(separator: ",")))")
        case .resubmitted(let job, let shards, let after):
            let why = after.map { "\($0.jobID) \($0.state)" }.joined(separator: ", ")
            Console.note("eval: resubmitted shards \(shards.map(String.init).joined(separator: ",")) as job \(job) after \(why)")
        case .watchInterrupted(let error):
            var why = error.description
            if case .commandFailed(let command, let status, let stderr) = error {
                why = "\(command) failed (exit \(status)): " + (stderr.split(whereSeparator: \.isNewline).last.map(String.init) ?? "no message")
            }
            Console.note("eval: \(why); the tasks run on, and kai keeps watching for up to \(Int(SlurmEvaluation.sacctOutageTolerance / 60)) minutes")
        case .progress(let progress):
            Console.note("eval: \(progress.shardsDone)/\(progress.shards) shards done, \(progress.done)/\(progress.total) samples, \(progress.passed) passed")
        }
    }
}
