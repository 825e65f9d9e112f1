import Foundation

/// What one Slurm array task does: evaluate its shard's samples in the
/// sandbox, appending to the shard's partial file (so a resubmitted task
/// continues where a killed one stopped), then rename the finished file into
/// place — the one step that tells the coordinator the shard is done.
public struct ShardTask: Sendable {
    public let shard: EvalShard
    public let directory: SlurmRunDirectory

    public init(shard: EvalShard, directory: SlurmRunDirectory) {
        self.shard = shard
        self.directory = directory
    }

    /// Runs the shard; returns nil when it was already finished.
    public func run(problems: [EvalProblem], samples: [EvalSample], runner: any SampleRunner, options: EvaluationOptions,
                    progress: @escaping @Sendable (EvalProgress) -> Void) throws(SlurmError) -> EvalSummary? {
        if directory.isFinished(shard.index) { return nil }
        // Two tasks for one shard (a resubmission while a lost one still
        // runs) would interleave lines: the second one stops here.
        let lock = try ShardLock(path: directory.lockPath(shard.index), shard: shard)
        defer { lock.release() }
        if directory.isFinished(shard.index) { return nil }
        var shardOptions = options
        shardOptions.resultsPath = directory.partialPath(shard.index)
        shardOptions.resume = true
        let summary: EvalSummary
        do {
            summary = try Evaluation(problems: problems, samples: shard.samples(of: samples), runner: runner, options: shardOptions)
                .run(progress: progress)
        } catch {
            throw .runDirectory(path: directory.partialPath(shard.index), error.message)
        }
        guard rename(directory.partialPath(shard.index), directory.finishedPath(shard.index)) == 0 else {
            throw .runDirectory(path: directory.finishedPath(shard.index), "cannot be renamed into place: \(String(cString: strerror(errno)))")
        }
        return summary
    }
}

/// An exclusive flock on the shard's lock file, held while the task runs.
struct ShardLock {
    let descriptor: Int32

    init(path: String, shard: EvalShard) throws(SlurmError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .runDirectory(path: path, "cannot be opened: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .runDirectory(path: path, "another task is evaluating shard \(shard) already; this one stops")
        }
        descriptor = fd
    }

    func release() {
        close(descriptor)
    }
}
