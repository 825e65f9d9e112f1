import ArgumentParser
import Foundation
import KaiEval

/// `kai eval` on a Slurm cluster: the coordinator's options (--slurm ...)
/// and the one each array task is started with (--shard).
struct EvalSlurmOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Evaluate on Slurm as one array job of this many tasks, each a shard of the samples (needs sbatch and sacct here; "
            + "the kai binary, the input files and the results' directory must be on a file system every node shares; "
            + "--workers is then each task's workers and its --cpus-per-task).",
        valueName: "shards"))
    var slurm: Int?

    @Option(name: .long, help: ArgumentHelp("Times a failed or killed shard is resubmitted before the run fails.", valueName: "n"))
    var slurmRetries = 2

    @Option(name: .long, help: ArgumentHelp("Pass this argument to sbatch (e.g. --sbatch-arg=--partition=long); repeatable.", valueName: "arg"))
    var sbatchArg: [String] = []

    @Option(name: .long, help: ArgumentHelp("Seconds between looks at sacct and the shard files.", valueName: "seconds"))
    var slurmPoll = 2.0

    @Option(name: .long, help: ArgumentHelp("The run's directory on the shared file system (default: <results>.slurm).", valueName: "dir"))
    var slurmDir: String?

    @Option(name: .long, help: ArgumentHelp(
        "Evaluate only shard I of N into --slurm-dir (what each array task of --slurm runs).", valueName: "I/N"))
    var shard: String?

    @Option(name: .long, help: ArgumentHelp(
        "With --shard: the run's digest (of the inputs and limits), as --slurm passes it; the task fails if its own differs.",
        valueName: "hex"))
    var slurmDigest: String?

    var parsedShard: EvalShard? { shard.flatMap(EvalShard.init(parsing:)) }

    func validate() throws {
        if let slurm, slurm < 1 { throw ValidationError("--slurm must be at least 1 shard, got \(slurm).") }
        if slurmRetries < 0 { throw ValidationError("--slurm-retries must be 0 or more, got \(slurmRetries).") }
        if !(slurmPoll >= 0.05 && slurmPoll <= 3600) {
            throw ValidationError("--slurm-poll must be between 0.05 and 3600 seconds, got \(slurmPoll).")
        }
        if let shard {
            guard EvalShard(parsing: shard) != nil else {
                throw ValidationError("--shard '\(shard)' must be I/N with 0 <= I < N, like 0/4.")
            }
            if slurm != nil { throw ValidationError("--shard is what each task of --slurm runs; pass one or the other.") }
            if slurmDir == nil { throw ValidationError("--shard needs --slurm-dir, the run's directory its results go to.") }
        }
    }
}
