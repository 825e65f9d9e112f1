import Foundation
import KaiJSON
import KaiTestSupport
import Testing
@testable import KaiEval

/// The parts of kai eval --slurm that need no cluster: cutting samples into
/// shards, reading sacct, naming array tasks, and merging shard files.
@Suite struct SlurmShardTests {
    static func samples(_ count: Int) -> [EvalSample] {
        (0..<count).map {
            EvalSample(index: $0, taskID: "T/\($0 % 3)", completion: "pass\n", fields: ["task_id": .string("T/\($0 % 3)"), "completion": "pass\n"])
        }
    }

    @Test(arguments: [(164, 8), (7, 3), (3, 3), (5, 1), (2, 5)])
    func shards_coverEverySampleExactlyOnce_withSizesDifferingByAtMostOne(total: Int, count: Int) {
        let ranges = (0..<count).map { EvalShard(index: $0, count: count).indices(of: total) }
        #expect(ranges.flatMap { Array($0) } == Array(0..<total))
        let sizes = ranges.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
    }

    @Test func shardText_isIOverN_withIBelowN() {
        #expect(EvalShard(parsing: "2/4") == EvalShard(index: 2, count: 4))
        for bad in ["4/4", "-1/4", "1/0", "1", "a/b", "1/2/3", ""] { #expect(EvalShard(parsing: bad) == nil, "\(bad)") }
    }

    @Test func sacctOutput_givesOneStatePerArrayTask_skippingSteps() {
        // As slurm 22.05's sacct -j 4,7 --parsable2 --noheader -o JobID,State,ExitCode prints it.
        let output = """
            4_0|COMPLETED|0:0
            4_0.batch|COMPLETED|0:0
            4_1|FAILED|3:0
            4_1.batch|FAILED|3:0
            4_2|CANCELLED by 0|0:15
            7_[3-5]|PENDING|0:0
            7_1|RUNNING|0:0

            """
        let tasks = SlurmTaskState.parse(sacct: output)
        #expect(tasks.map(\.jobID) == ["4_0", "4_1", "4_2", "7_3", "7_4", "7_5", "7_1"])
        #expect(tasks.map(\.state) == ["COMPLETED", "FAILED", "CANCELLED", "PENDING", "PENDING", "PENDING", "RUNNING"])
        #expect(tasks.map(\.isFinished) == [true, true, true, false, false, false, false])
        #expect(tasks.map(\.cancelledByUser) == [false, false, true, false, false, false, false])
        #expect(tasks[1] == SlurmTaskState(jobID: "4_1", arrayJobID: "4", taskIndex: 1, state: "FAILED", exitCode: "3:0"))
    }

    /// A pending array is one sacct line (`J_[0-3]`, with `%N` for a limit
    /// on tasks at once): each of its tasks is pending, none lost.
    @Test func sacctPendingRanges_expandIntoOnePendingTaskEach() {
        let tasks = SlurmTaskState.parse(sacct: "9_[1,3-5%2]|PENDING|0:0\n12_[0-3]|CANCELLED by 0|0:0\n13_[0-6:3]|PENDING|0:0\n14_[x]|PENDING|0:0\n")
        #expect(tasks.map(\.jobID) == ["9_1", "9_3", "9_4", "9_5", "12_0", "12_1", "12_2", "12_3", "13_0", "13_3", "13_6"])
        #expect(tasks.prefix(4).allSatisfy { $0.state == "PENDING" && !$0.isFinished })
        #expect(tasks[4] == SlurmTaskState(jobID: "12_0", arrayJobID: "12", taskIndex: 0, state: "CANCELLED", exitCode: "0:0", detail: "by 0"))
    }

    /// A COMPLETED 0:0 task whose file this host does not see yet (NFS) is
    /// not taken for failed before the grace period has passed.
    @Test func aCompletedTaskWithoutItsFile_isGivenAGracePeriod_beforeCountingAsFailed() {
        var unseen = CompletedUnseen()
        let answers = [
            unseen.expired("5_1", now: 100), unseen.expired("5_1", now: 100 + CompletedUnseen.grace - 1),
            unseen.expired("5_2", now: 100 + CompletedUnseen.grace), unseen.expired("5_1", now: 100 + CompletedUnseen.grace),
        ]
        #expect(answers == [false, false, false, true])
        #expect(CompletedUnseen.grace == 30)
    }

    @Test func arraySpec_joinsConsecutiveTasksIntoRanges() {
        #expect(SlurmArraySpec.string([0, 1, 2, 3]) == "0-3")
        #expect(SlurmArraySpec.string([5, 0, 1, 3, 7, 8]) == "0-1,3,5,7-8")
        #expect(SlurmArraySpec.string([4]) == "4")
    }

    /// A run directory holding shard files written as the tasks write them.
    static func directory(_ name: String, shards: [[Int]], samples: [EvalSample]) throws -> SlurmRunDirectory {
        let path = Fixtures.scratch + "/slurm-merge-\(name)"
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let directory = SlurmRunDirectory(path: path)
        for (shard, indices) in shards.enumerated() {
            let text = indices.map { index in
                EvalRecord(sample: samples[index], outcome: SampleOutcome(result: index % 2 == 0 ? "passed" : "failed: x", status: "ok",
                                                                         cpuTimeMs: 1, wallTimeMs: 2, peakMemoryKB: 3)).json.serialized() + "\n"
            }.joined()
            try text.write(toFile: directory.finishedPath(shard), atomically: true, encoding: .utf8)
        }
        return directory
    }

    @Test func merge_keepsASampleWrittenTwiceOnce_inSampleOrder() throws {
        let samples = Self.samples(5)
        // Shard 1's task ran twice over sample 3 (a resubmission after a kill).
        let directory = try Self.directory("dup", shards: [[1, 0, 2], [3, 4, 3]], samples: samples)
        let lines = try ShardMerge.lines(samples: samples, shards: 2, directory: directory)
        #expect(lines.map { $0["sample_index"] } == [0, 1, 2, 3, 4])
        let summary = ShardMerge.summary(lines, samples: samples, ks: [1], resultsPath: "r", elapsed: 1, recorded: false)
        #expect(summary.total == 5 && summary.passed == 3 && summary.records.allSatisfy { !$0.resumed })
    }

    @Test func merge_refusesMissingSamples_namingThemAndResume() throws {
        let samples = Self.samples(5)
        let directory = try Self.directory("missing", shards: [[0, 1, 2], [4]], samples: samples)
        #expect(throws: SlurmError.incomplete(missing: [3], directory: directory.path)) {
            try ShardMerge.lines(samples: samples, shards: 2, directory: directory)
        }
        #expect(SlurmError.incomplete(missing: [3], directory: directory.path).description
                == "\(directory.path): the shard results lack 1 samples (indices 3); run the same command with --resume to evaluate them.")
    }

    @Test func merge_refusesALineOfAnotherShard() throws {
        let samples = Self.samples(4)
        let directory = try Self.directory("foreign", shards: [[0, 1, 3], [2, 3]], samples: samples)
        #expect(throws: SlurmError.conflicting(index: 3, file: directory.finishedPath(0))) {
            try ShardMerge.lines(samples: samples, shards: 2, directory: directory)
        }
    }

    @Test func shardTask_resumesItsPartialFile_andRenamesTheFinishedOneIntoPlace() throws {
        let samples = Self.samples(6)
        let problems = (0..<3).map { EvalProblem(taskID: "T/\($0)", prompt: "", canonicalSolution: "", test: "", entryPoint: "f") }
        let directory = try Self.directory("task", shards: [], samples: samples)
        let shard = EvalShard(index: 1, count: 2)  // samples 3, 4, 5
        // A killed earlier task finished sample 4 and was cut off mid-line.
        let done = EvalRecord(sample: samples[4], outcome: SampleOutcome(result: "passed", status: "ok", cpuTimeMs: 0, wallTimeMs: 0, peakMemoryKB: 0))
        try (done.json.serialized() + "\n{\"task_id\": \"T/").write(toFile: directory.partialPath(1), atomically: true, encoding: .utf8)
        let runner = CountingRunner()
        let summary = try #require(try ShardTask(shard: shard, directory: directory).run(
            problems: problems, samples: samples, runner: runner, options: EvaluationOptions(ks: [1], workers: 1, resultsPath: ""),
            progress: { _ in }))
        #expect(summary.total == 3 && runner.count.withLock { $0 } == 2, "sample 4 is not run again")
        #expect(!FileManager.default.fileExists(atPath: directory.partialPath(1)))
        #expect(ShardResults.read(directory.finishedPath(1)).map { $0["sample_index"] } == [3, 4, 5])
        #expect(try ShardTask(shard: shard, directory: directory).run(
            problems: problems, samples: samples, runner: runner, options: EvaluationOptions(resultsPath: ""), progress: { _ in }) == nil)
    }

    /// Resumed results are matched to samples by index, not by position, so
    /// a shard (a slice of the samples) resumes; a line naming another task,
    /// or an index the samples do not have, is still refused.
    @Test(arguments: [(1, "T/0"), (99, "T/0")])
    func resumedResults_namingAnotherSample_areRefused(index: Int, taskID: String) throws {
        let samples = Self.samples(3)
        let path = Fixtures.scratch + "/slurm-resume-mismatch-\(index).jsonl"
        try "{\"task_id\": \"\(taskID)\", \"sample_index\": \(index)}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let evaluation = Evaluation(problems: [], samples: samples, runner: CountingRunner(),
                                    options: EvaluationOptions(resultsPath: path, resume: true))
        #expect(throws: EvalInputError(file: path, line: 1, "sample \(index) (\(taskID)) does not match the samples file; "
                    + "these results belong to another run — delete the file or pass another --out")) {
            try evaluation.run()
        }
    }

    @Test func twoTasksForOneShard_runItsSamplesOnce_theSecondWaitingForTheFirst() throws {
        let samples = Self.samples(4)
        let problems = (0..<3).map { EvalProblem(taskID: "T/\($0)", prompt: "", canonicalSolution: "", test: "", entryPoint: "f") }
        let directory = try Self.directory("lock", shards: [], samples: samples)
        let secondStarting = DispatchSemaphore(value: 0), atGate = DispatchSemaphore(value: 0)
        // The first task's first sample waits until the second task is about to start.
        let runner = CountingRunner(gate: secondStarting, atGate: atGate)
        let task = ShardTask(shard: EvalShard(index: 0, count: 1), directory: directory)
        let outcomes = Mutex<[Bool]>([])
        let group = DispatchGroup()
        for second in [false, true] {
            group.enter()
            if second {
                // The first task, at its gate, holds the shard's lock.
                atGate.wait()
                let fd = open(directory.lockPath(0), O_RDWR)
                #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK, "the running task holds the shard lock")
                close(fd)
            }
            Thread {
                if second { secondStarting.signal() }
                let summary = try? task.run(problems: problems, samples: samples, runner: runner,
                                            options: EvaluationOptions(ks: [1], workers: 1, resultsPath: ""), progress: { _ in })
                outcomes.withLock { $0.append(summary != nil) }
                group.leave()
            }.start()
        }
        group.wait()
        #expect(runner.count.withLock { $0 } == 4, "each sample run once")
        #expect(outcomes.withLock { $0.filter { $0 }.count } == 1 && outcomes.withLock { $0.count } == 2, "one task evaluated, the other found the shard finished")
        #expect(ShardResults.read(directory.finishedPath(0)).map { $0["sample_index"] } == [0, 1, 2, 3])
    }
}

import Synchronization

/// Passes every sample, counting the runs; with a gate, the first run
/// waits for it.
final class CountingRunner: SampleRunner {
    let count = Mutex(0)
    let gate: DispatchSemaphore?
    let atGate: DispatchSemaphore?

    init(gate: DispatchSemaphore? = nil, atGate: DispatchSemaphore? = nil) {
        self.gate = gate
        self.atGate = atGate
    }

    func run(program: String, timeout: Double) -> SampleOutcome {
        if count.withLock({ $0 += 1; return $0 }) == 1 { atGate?.signal(); gate?.wait() }
        return SampleOutcome(result: "passed", status: "ok", cpuTimeMs: 0, wallTimeMs: 0, peakMemoryKB: 0)
    }
}
