import Foundation

/// The directory an evaluation on Slurm keeps its state in, next to the
/// results file and, like it, on a file system every node shares:
///
///   run.json                 the jobs submitted per shard (written atomically)
///   coordinator.lock         flocked by the one coordinator running the evaluation
///   shard.sh                 the batch script every array task runs
///   shard-I.partial.jsonl    shard I's results as they finish (resumable)
///   shard-I.jsonl            shard I's results once complete (renamed into place)
///   slurm-<job>_<task>.out   each task's output
public struct SlurmRunDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var statePath: String { path + "/run.json" }
    public var scriptPath: String { path + "/shard.sh" }
    public var coordinatorLockPath: String { path + "/coordinator.lock" }
    public var logPattern: String { path + "/slurm-%A_%a.out" }
    public func finishedPath(_ shard: Int) -> String { path + "/shard-\(shard).jsonl" }
    public func partialPath(_ shard: Int) -> String { path + "/shard-\(shard).partial.jsonl" }
    public func lockPath(_ shard: Int) -> String { path + "/shard-\(shard).lock" }
    public func logPath(_ task: SlurmTaskState) -> String { path + "/slurm-\(task.arrayJobID)_\(task.taskIndex).out" }

    public func isFinished(_ shard: Int) -> Bool {
        FileManager.default.fileExists(atPath: finishedPath(shard))
    }

    /// The run's state, or nil when there is none yet.
    func loadState() throws(SlurmError) -> SlurmRunState? {
        guard let data = FileManager.default.contents(atPath: statePath) else { return nil }
        do {
            return try JSONDecoder().decode(SlurmRunState.self, from: data)
        } catch {
            throw .runDirectory(path: statePath, "is not a kai eval --slurm state file; delete the directory to start again")
        }
    }

    /// Replaces the state file atomically (a temp file renamed over it), so a
    /// coordinator killed mid-write leaves the previous state, never half of one.
    func save(_ state: SlurmRunState) throws(SlurmError) {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(state).write(to: URL(fileURLWithPath: statePath), options: .atomic)
        } catch {
            throw .runDirectory(path: statePath, "cannot be written (\(error.localizedDescription)); check the directory's permissions")
        }
    }

    /// Creates the directory when missing; true when this call made it.
    func create() throws(SlurmError) -> Bool {
        if FileManager.default.fileExists(atPath: path) { return false }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .runDirectory(path: path, "cannot be created (\(error.localizedDescription)); pass another --out")
        }
        return true
    }

    /// Removes a directory this coordinator made and submitted nothing from,
    /// so a failed start does not block the next one.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes the batch script: one array task runs `kai eval --shard` on its
    /// shard. Arguments are single-quoted for the shell.
    func writeScript(_ command: [String], shards: Int) throws(SlurmError) {
        let quoted = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let script = """
            #!/bin/sh
            # Written by kai eval --slurm: array task I evaluates shard I of the samples.
            exec \(quoted) --shard "$SLURM_ARRAY_TASK_ID/\(shards)"

            """
        do {
            try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath), options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scriptPath)
        } catch {
            throw .runDirectory(path: scriptPath, "cannot be written (\(error.localizedDescription))")
        }
    }
}

/// What run.json holds: enough to resume a coordinator that was killed.
struct SlurmRunState: Codable, Sendable {
    /// The samples and shards the directory was made for.
    var samples: Int
    var shards: Int
    /// Per shard (as a string key), the array jobs submitted for it, oldest first.
    var jobs: [String: [String]] = [:]
    /// Set once the results file and the registry have the merged results.
    var merged = false
    /// Set before the registry is fed, so a coordinator that died while
    /// feeding it is not followed by a second feed (optional: older files lack it).
    var recording: Bool?
    /// The samples file's and the shard command's digest: a resume, or a
    /// task, with other inputs or limits is refused.
    var digest: String?

    func jobs(of shard: Int) -> [String] { jobs[String(shard)] ?? [] }
}
