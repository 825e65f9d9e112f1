import Foundation

extension SlurmEvaluation {
    /// How long sacct may keep failing while the job runs (seconds).
    public static let sacctOutageTolerance = 300.0

    /// Submits what is not finished and not running, then looks at sacct and
    /// the shard files every poll interval until every shard is finished.
    func watch(_ state: inout SlurmRunState, events: @Sendable (SlurmEvent) -> Void) throws(SlurmError) {
        let directory = options.directory
        var submittedNow: [Int: Int] = [:]
        var lastProgress: SlurmProgress?
        var sacctFailingSince: Double?
        var unseen = CompletedUnseen()
        while true {
            let unfinished = (0..<options.shards).filter { !directory.isFinished($0) }
            let tasks: [String: SlurmTaskState]
            do {
                tasks = try currentTasks(state)
                sacctFailingSince = nil
            } catch {
                // slurmdbd restarting or briefly unreachable: the tasks run on
                // regardless, so keep watching for a while before giving up.
                guard case .commandFailed = error else { throw error }
                let now = MonotonicClockSeconds.now()
                if sacctFailingSince == nil { sacctFailingSince = now; events(.watchInterrupted(error)) }
                if now - sacctFailingSince! > Self.sacctOutageTolerance { throw error }
                Thread.sleep(forTimeInterval: options.pollInterval)
                continue
            }
            // Read after sacct: a task that ended had written its file before.
            let open = unfinished.filter { !directory.isFinished($0) }
            try stopIfCancelled(tasks, state: state, open: open)
            var again: [Int] = [], failures: [SlurmTaskState] = []
            for shard in open {
                guard let job = state.jobs(of: shard).last else { again.append(shard); continue }
                guard let task = tasks[job] else {
                    // Not in sacct: just submitted (slurmdbd lags) and pending,
                    // or long gone. Only a task slurmctld does not know either
                    // is submitted again, after a scancel in case it lingers.
                    if client.controllerKnows(job) { continue }
                    client.cancel(job)
                    again.append(shard)
                    continue
                }
                guard task.isFinished else { continue }
                if task.state == "COMPLETED", task.exitCode == "0:0" {
                    // The task renamed its file into place, but this host may
                    // not see it yet (NFS attribute caching): list the
                    // directory, which refreshes it, and wait a grace period
                    // before counting the shard as failed.
                    _ = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
                    if directory.isFinished(shard) || !unseen.expired(job, now: MonotonicClockSeconds.now()) { continue }
                }
                if submittedNow[shard, default: 0] > options.retries {
                    let owned = EvalShard(index: shard, count: options.shards).indices(of: samples.count)
                    throw .shardExhausted(shard: EvalShard(index: shard, count: options.shards), samples: owned,
                                          attempts: submittedNow[shard]!, last: task, log: directory.logPath(task))
                }
                again.append(shard)
                failures.append(task)
            }
            if !again.isEmpty {
                let job = try submit(again, state: &state)
                for shard in again { submittedNow[shard, default: 0] += 1 }
                events(failures.isEmpty ? .submitted(job: job, shards: again) : .resubmitted(job: job, shards: again, after: failures))
            }
            let progress = measure()
            if progress != lastProgress { events(.progress(progress)); lastProgress = progress }
            if open.isEmpty { return }
            Thread.sleep(forTimeInterval: options.pollInterval)
        }
    }

    /// Submits the shards as one array job and records its tasks before
    /// anything else can happen to them.
    private func submit(_ shards: [Int], state: inout SlurmRunState) throws(SlurmError) -> String {
        let job: String
        do {
            job = try client.submitArray(
                script: options.directory.scriptPath, tasks: SlurmArraySpec.string(shards), jobName: "kai-eval",
                logPattern: options.directory.logPattern, extra: options.sbatchArguments)
        } catch .commandFailed(let command, let status, let stderr) where stderr.contains("Batch job submission failed") {
            // The controller answered and said no: the job, not the cluster, is wrong.
            // sbatch's own words: its specific complaint when it has one
            // ("invalid partition specified: x"), else the controller's.
            let lines = stderr.split(whereSeparator: \.isNewline).map { line in
                String(line.hasPrefix("sbatch: error: ") ? line.dropFirst("sbatch: error: ".count) : line[...])
            }
            var why = lines.first { !$0.hasPrefix("Batch job submission failed") } ?? lines.last ?? ""
            if why.hasPrefix("Batch job submission failed: ") { why.removeFirst("Batch job submission failed: ".count) }
            if why.localizedCaseInsensitiveContains("array"), let limit = client.maxArraySize() {
                why += " (the cluster's MaxArraySize is \(limit): task indices must stay below it)"
            }
            _ = (command, status)
            throw .sbatchRefused(why)
        }
        for shard in shards { state.jobs[String(shard), default: []].append("\(job)_\(shard)") }
        try options.directory.save(state)
        return job
    }

    /// Stops when a user cancelled every task of one of the shards' latest
    /// array jobs (sacct shows a scancel of the job and of one task alike,
    /// `CANCELLED by <uid>`, so a job counts as cancelled only when all its
    /// tasks are): what a user stopped is not resubmitted. A single task
    /// cancelled while others ran or finished is resubmitted like a failure.
    private func stopIfCancelled(_ tasks: [String: SlurmTaskState], state: SlurmRunState, open: [Int]) throws(SlurmError) {
        let latest = Set(open.compactMap { state.jobs(of: $0).last?.split(separator: "_").first.map(String.init) })
        for job in latest.sorted() {
            let submitted = state.jobs.values.flatMap { $0 }.filter { $0.hasPrefix(job + "_") }
            let listed = submitted.compactMap { tasks[$0] }
            if !listed.isEmpty, listed.count == submitted.count, listed.allSatisfy(\.cancelledByUser) {
                throw .cancelledByUser(job: job, state: "\(listed[0].state) \(listed[0].detail)")
            }
        }
    }

    /// sacct's view of each shard's latest task, by task JobID.
    private func currentTasks(_ state: SlurmRunState) throws(SlurmError) -> [String: SlurmTaskState] {
        let latest = (0..<options.shards).compactMap { state.jobs(of: $0).last }
        let arrays = Set(latest.compactMap { $0.split(separator: "_").first.map(String.init) }).sorted()
        let tasks = try client.taskStates(jobs: arrays)
        return Dictionary(tasks.map { ($0.jobID, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Samples finished so far, from the partial and finished shard files.
    private func measure() -> SlurmProgress {
        var done = 0, passed = 0, shardsDone = 0
        for shard in 0..<options.shards {
            let finished = options.directory.isFinished(shard)
            if finished { shardsDone += 1 }
            let lines = ShardResults.read(finished ? options.directory.finishedPath(shard) : options.directory.partialPath(shard))
            let distinct = Dictionary(lines.compactMap { line in line["sample_index"]?.intValue.map { ($0, line["passed"] == true) } },
                                      uniquingKeysWith: { first, _ in first })
            done += distinct.count
            passed += distinct.values.filter { $0 }.count
        }
        return SlurmProgress(shardsDone: shardsDone, shards: options.shards, done: done, total: samples.count, passed: passed)
    }
}

/// Tasks sacct calls COMPLETED 0:0 whose shard file is not visible here:
/// how long each has been so (seconds), so one is resubmitted only after
/// `grace` has passed.
struct CompletedUnseen {
    static let grace = 30.0
    var since: [String: Double] = [:]

    /// Whether `job`'s file has been missing longer than the grace period.
    mutating func expired(_ job: String, now: Double, grace: Double = Self.grace) -> Bool {
        let first = since[job] ?? now
        since[job] = first
        return now - first >= grace
    }
}

/// sbatch's --array value for a set of task indices: ranges where they run
/// on (`0-3,5,7-8`).
enum SlurmArraySpec {
    static func string(_ indices: [Int]) -> String {
        var parts: [String] = []
        var start: Int?, previous: Int?
        for index in indices.sorted() + [Int.min] {
            if let p = previous, index == p + 1 { previous = index; continue }
            if let s = start, let p = previous { parts.append(s == p ? "\(s)" : "\(s)-\(p)") }
            start = index; previous = index
        }
        return parts.joined(separator: ",")
    }
}
