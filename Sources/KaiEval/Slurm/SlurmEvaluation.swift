import Foundation

/// How an evaluation on Slurm goes.
public struct SlurmEvaluationOptions: Sendable {
    public var shards: Int
    /// Resubmissions allowed per shard in one coordinator run.
    public var retries: Int
    /// Seconds between two looks at sacct and the shard files.
    public var pollInterval: Double
    /// Extra sbatch arguments (partition, account, time limit, ...).
    public var sbatchArguments: [String]
    /// `kai eval ...` as each array task runs it, less `--shard I/N`.
    public var shardCommand: [String]
    public var directory: SlurmRunDirectory
    public var resultsPath: String
    public var ks: [Int]
    public var resume: Bool
    /// The samples file's and the shard command's digest (kept in run.json).
    public var digest: String

    public init(shards: Int, retries: Int, pollInterval: Double, sbatchArguments: [String], shardCommand: [String],
                directory: SlurmRunDirectory, resultsPath: String, ks: [Int], resume: Bool, digest: String = "") {
        self.digest = digest
        self.shards = shards
        self.retries = retries
        self.pollInterval = pollInterval
        self.sbatchArguments = sbatchArguments
        self.shardCommand = shardCommand
        self.directory = directory
        self.resultsPath = resultsPath
        self.ks = ks
        self.resume = resume
    }
}

/// What the coordinator tells its user as the run goes.
public enum SlurmEvent: Sendable {
    case submitted(job: String, shards: [Int])
    case resubmitted(job: String, shards: [Int], after: [SlurmTaskState])
    case progress(SlurmProgress)
    /// sacct failed while the job runs; kai keeps trying for a while.
    case watchInterrupted(SlurmError)
}

/// A merged run, and whether the registry still needs its records.
public struct SlurmOutcome: Sendable {
    public enum Recording: Sendable, Equatable {
        /// Not recorded yet: markRecording, record, markMerged.
        case needed
        /// An earlier coordinator recorded it.
        case done
        /// An earlier coordinator died while recording: not recorded again
        /// (a sample is never counted twice), so the registry may lack some
        /// of the run's records.
        case interrupted
    }

    public let summary: EvalSummary
    public let recording: Recording
    /// Held until the caller is done with the run.
    public let lock: SlurmCoordinatorLock
}

/// Progress across shards, from the shard files on the shared file system.
public struct SlurmProgress: Sendable, Equatable {
    public let shardsDone: Int
    public let shards: Int
    public let done: Int
    public let total: Int
    public let passed: Int
}

/// Runs an evaluation as one Slurm array job: writes the batch script,
/// submits one task per shard, watches them with sacct, resubmits a task
/// that failed or was killed, and merges the shard files once every shard
/// is finished. All of it lives in a run directory on the shared file
/// system, so a killed coordinator continues with --resume.
public struct SlurmEvaluation: Sendable {
    public let samples: [EvalSample]
    public let client: SlurmClient
    public let options: SlurmEvaluationOptions

    public init(samples: [EvalSample], client: SlurmClient, options: SlurmEvaluationOptions) {
        self.samples = samples
        self.client = client
        self.options = options
    }

    /// Runs (or resumes) the job to the merged results, under the run
    /// directory's coordinator lock, which the outcome holds until the
    /// caller has recorded them (see `SlurmOutcome.recording`).
    public func run(events: @escaping @Sendable (SlurmEvent) -> Void) throws(SlurmError) -> SlurmOutcome {
        let started = MonotonicClockSeconds.now()
        let directory = options.directory
        try client.checkAccounting()
        if !options.resume, FileManager.default.fileExists(atPath: directory.statePath) {
            throw .runDirectory(path: directory.path, "holds an earlier run; pass --resume to continue it, or delete it to start again")
        }
        let created = try directory.create()
        do {
            let lock = try SlurmCoordinatorLock(directory: directory)
            var state = try openState()
            if !state.merged, state.recording != true {
                try directory.writeScript(options.shardCommand, shards: options.shards)
                try watch(&state, events: events)
            }
            let lines = try ShardMerge.lines(samples: samples, shards: options.shards, directory: directory)
            try ShardMerge.write(lines, to: options.resultsPath)
            let fed = state.merged || state.recording == true
            let summary = ShardMerge.summary(lines, samples: samples, ks: options.ks, resultsPath: options.resultsPath,
                                             elapsed: MonotonicClockSeconds.now() - started, recorded: fed)
            let recording: SlurmOutcome.Recording = state.merged ? .done : state.recording == true ? .interrupted : .needed
            return SlurmOutcome(summary: summary, recording: recording, lock: lock)
        } catch {
            // A directory this coordinator made and submitted nothing from
            // (sbatch refused the job, ...) goes, so the next try can start.
            if created, (try? directory.loadState())??.jobs.isEmpty ?? true { directory.remove() }
            throw error
        }
    }

    /// Notes, before the registry sees any record, that this run is being
    /// recorded: a coordinator that dies while recording is not followed by
    /// a second recording (at most once; see `SlurmOutcome.Recording.interrupted`).
    public func markRecording() throws(SlurmError) {
        guard var state = try options.directory.loadState() else { return }
        state.recording = true
        try options.directory.save(state)
    }

    /// Notes that the merged results reached the results file and the
    /// registry, so a later --resume does not record them again.
    public func markMerged() throws(SlurmError) {
        guard var state = try options.directory.loadState() else { return }
        state.merged = true
        try options.directory.save(state)
    }

    /// The run's state: new, or (with --resume) the one on disk, checked
    /// to belong to these samples and shards.
    private func openState() throws(SlurmError) -> SlurmRunState {
        let directory = options.directory
        if let state = try directory.loadState() {
            guard options.resume else {
                throw .runDirectory(path: directory.path, "holds an earlier run; pass --resume to continue it, or delete it to start again")
            }
            guard state.samples == samples.count, state.shards == options.shards else {
                throw .runDirectory(path: directory.path, "was made for \(state.samples) samples in \(state.shards) shards; "
                    + "pass --slurm \(state.shards) with the same samples to resume it, or delete it to start again")
            }
            if let digest = state.digest, digest != options.digest {
                throw .runDirectory(path: directory.path, "was made for another samples file or other evaluation settings "
                    + "(--timeout, --memory, --workers, isolation); resume it with the same samples and options as the first run, "
                    + "or delete it to start again")
            }
            return state
        }
        if FileManager.default.contents(atPath: options.resultsPath)?.isEmpty == false {
            throw options.resume
                ? .runDirectory(path: options.resultsPath, "holds results but there is no kai eval --slurm run in \(directory.path) to resume; "
                    + "drop --slurm to continue a local run here, or delete the results file to evaluate again on Slurm")
                : .runDirectory(path: options.resultsPath, "already exists; pass --resume to continue that run, or delete it to start again")
        }
        var state = SlurmRunState(samples: samples.count, shards: options.shards)
        state.digest = options.digest
        try directory.save(state)
        return state
    }
}
