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
        // Two tasks for one shard (a coordinator killed between sbatch and
        // saving run.json, then resumed) would interleave lines: the second
        // waits here for the first, then finds the shard finished.
        let lock = try ShardLock(path: directory.lockPath(shard.index))
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

/// An exclusive flock on the shard's lock file, held while the task runs
/// (flock works across nodes on NFSv4 and the usual cluster file systems).
struct ShardLock {
    let descriptor: Int32

    init(path: String) throws(SlurmError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .runDirectory(path: path, "cannot be opened: \(String(cString: strerror(errno)))")
        }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let why = String(cString: strerror(errno))
                close(fd)
                throw .runDirectory(path: path, "cannot be locked: \(why)")
            }
        }
        descriptor = fd
    }

    func release() {
        close(descriptor)
    }
}
