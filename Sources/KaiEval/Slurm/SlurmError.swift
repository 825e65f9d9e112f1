/// Why an evaluation on Slurm could not go on. Each message says what went
/// wrong and what to do about it.
public enum SlurmError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A Slurm command is not on PATH.
    case commandMissing(String)
    /// A Slurm command ran and failed (the cluster is down, refused the job, ...).
    case commandFailed(command: String, status: Int32, stderr: String)
    /// The cluster keeps no job accounting, so sacct cannot watch the job.
    case accountingDisabled
    /// sbatch answered something that is not a job id.
    case unexpectedOutput(command: String, output: String)
    /// A shard failed more times than allowed.
    case shardExhausted(shard: EvalShard, samples: Range<Int>, attempts: Int, last: SlurmTaskState, log: String)
    /// The shard files do not add up to the samples file.
    case incomplete(missing: [Int], directory: String)
    case conflicting(index: Int, file: String)
    /// The run directory belongs to another run, or cannot be used.
    case runDirectory(path: String, String)
    /// Another coordinator holds the run directory's lock.
    case coordinatorRunning(directory: String)
    /// sbatch refused the first submission (too many tasks, a bad --sbatch-arg, ...).
    case sbatchRefused(String)
    /// A user cancelled every task of one of the run's array jobs.
    case cancelledByUser(job: String, state: String)

    public var description: String {
        switch self {
        case .commandMissing(let command):
            return "\(command) not found on PATH: kai eval --slurm needs the Slurm client commands (sbatch and sacct); "
                + "install them (Debian: apt-get install slurm-client) or run kai on a login node of the cluster, or drop --slurm to evaluate here."
        case .commandFailed(let command, let status, let stderr):
            let why = stderr.split(whereSeparator: \.isNewline).last.map(String.init) ?? "no message"
            return "\(command) failed (exit \(status)): \(why). Check that the cluster is up (scontrol ping) and that this host's "
                + "SLURM_CONF points at it, or drop --slurm to evaluate here."
        case .accountingDisabled:
            return "sacct: Slurm accounting storage is disabled on this cluster; kai eval --slurm watches its jobs with sacct, "
                + "which needs slurmdbd (AccountingStorageType=accounting_storage/slurmdbd in slurm.conf). "
                + "Ask the cluster's operator to enable job accounting, or drop --slurm to evaluate here."
        case .unexpectedOutput(let command, let output):
            return "\(command) printed '\(output)' instead of a job id; check the cluster's sbatch (it must accept --parsable)."
        case .shardExhausted(let shard, let samples, let attempts, let last, let log):
            return "shard \(shard) (samples \(samples.lowerBound)-\(samples.upperBound - 1)) failed \(attempts) times "
                + "(last: job \(last.jobID) \(last.state), exit \(last.exitCode)); its log is \(log). "
                + "Fix the cause and run the same command with --resume to retry the shards not finished."
        case .incomplete(let missing, let directory):
            let shown = missing.prefix(10).map(String.init).joined(separator: ", ")
            return "\(directory): the shard results lack \(missing.count) samples (indices \(shown)\(missing.count > 10 ? ", ..." : "")); "
                + "run the same command with --resume to evaluate them."
        case .conflicting(let index, let file):
            return "\(file): sample \(index) does not belong to this shard or does not match the samples file; "
                + "the run directory holds another run's results — delete it or pass another --out."
        case .runDirectory(let path, let message):
            return "\(path): \(message)"
        case .coordinatorRunning(let directory):
            return "\(directory): another kai eval --slurm is running this evaluation (it holds \(directory)/coordinator.lock); "
                + "wait for it to finish, or stop it and run the same command with --resume to continue its run."
        case .sbatchRefused(let why):
            return "sbatch refused the job: \(why); check --slurm and --sbatch-arg."
        case .cancelledByUser(let job, let state):
            return "Slurm job \(job) was cancelled (\(state)) before any of its tasks finished; kai does not resubmit what a user "
                + "cancelled. Run the same command with --resume to continue the evaluation."
        }
    }
}
