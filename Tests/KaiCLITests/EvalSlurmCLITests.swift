import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai eval --slurm` end to end on a real single-node Slurm cluster the
/// tests start and stop themselves (munged, MariaDB, slurmdbd, slurmctld,
/// slurmd): the array job, sacct watching, a task killed mid-run and
/// resubmitted, a coordinator killed and resumed, and the merge into the
/// results file and the registry exactly once.
@Suite(.serialized, .enabled(if: SlurmCluster.missing == nil, Comment(rawValue: SlurmCluster.missing ?? "")), .sharedSlurmCluster)
struct EvalSlurmCLITests {
    static let problems = Fixtures.repositoryRoot + "/Tests/Fixtures/eval/problems.jsonl"

    /// A directory (under the test's scratch, a file system the one node
    /// shares with kai) with a registry config of its own and the samples:
    /// `slow` samples sleep first, so their shard is still running when the
    /// test acts on it.
    static func setUp(_ name: String, fast: Int, slow: Int) throws -> (directory: String, config: String, samples: String) {
        let directory = Fixtures.scratch + "/eval-slurm-\(name)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/kai.yaml"
        try "database: \(directory)/registry.sqlite\n".write(toFile: config, atomically: true, encoding: .utf8)
        let good = "    return a + b\n", sleepy = "    import time\n    time.sleep(1.5)\n    return a + b\n"
        let lines = (0..<(fast + slow)).map { index in
            JSONValue.object([
                "task_id": "Demo/0", "completion": .string(index < fast ? (index % 2 == 0 ? good : "    return a - b\n") : sleepy),
                "model": "demo/tiny-coder",
            ]).serialized() + "\n"
        }
        let samples = directory + "/samples.jsonl"
        try lines.joined().write(toFile: samples, atomically: true, encoding: .utf8)
        return (directory, config, samples)
    }

    static func arguments(_ samples: String, config: String, shards: Int, _ extra: [String] = [], isolation: Bool = false) -> [String] {
        ["eval", problems, samples, "--slurm", "\(shards)", "--slurm-poll", "0.2", "--workers", "1", "--timeout", "20",
         "--k", "1", "--json", "--config", config, "--no-bundled-plugins"] + (isolation ? [] : ["--no-require-isolation"]) + extra
    }

    /// The environment of the running `kai eval --shard` processes of a run
    /// (what the array task got from sbatch), one string per process.
    static func shardEnvironments(runDirectory: String) -> [String] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { $0.allSatisfy(\.isNumber) } ?? []
        return pids.compactMap { pid in
            guard let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                  String(decoding: cmdline, as: UTF8.self).contains("--shard\u{0}"),
                  String(decoding: cmdline, as: UTF8.self).contains(runDirectory),
                  let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
            return String(decoding: environ, as: UTF8.self).replacingOccurrences(of: "\u{0}", with: "\n")
        }
    }

    /// Every file under `directory` whose bytes contain `text`.
    static func files(under directory: String, containing text: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var found: [String] = []
        while let name = enumerator?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: directory + "/" + name), data.range(of: Data(text.utf8)) != nil {
                found.append(name)
            }
        }
        return found
    }

    static func results(_ path: String) throws -> [JSONValue] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    /// The registry's coding calls for the samples' model: one per sample recorded.
    static func recordedCalls(config: String) throws -> JSONValue? {
        let scores = try KaiProcess.run(["registry", "scores", "--kind", "provider", "--task-type", "coding", "--json", "--config", config])
        return try JSONParser.parse(scores.stdout).arrayValue?.first?["calls"]
    }

    /// Polls until `ready` holds (the cluster runs real jobs: no fixed waits).
    static func waitUntil(_ what: String, _ ready: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(120)
        while try !ready() {
            guard Date() < deadline else { throw SlurmClusterError("timed out waiting for \(what)") }
            usleep(20_000)
        }
    }

    /// With full isolation (kai eval's default), as a user runs it.
    @Test(.requiresSandboxCgroups)
    func evalOnSlurm_runsEveryShard_andMergesEachSampleOnce_intoResultsAndRegistry() throws {
        let cluster = try SharedSlurmCluster.cluster()
        let (directory, config, samples) = try Self.setUp("merge", fast: 7, slow: 0)
        let local = try KaiProcess.run(["eval", Self.problems, samples, "--out", directory + "/local.jsonl", "--k", "1", "--json",
                                        "--database", directory + "/local.sqlite", "--no-bundled-plugins"])
        #expect(local.status == 0, "\(local.stderr)")

        let outcome = try KaiProcess.run(Self.arguments(samples, config: config, shards: 3, isolation: true), environment: cluster.environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let report = try JSONParser.parse(outcome.stdout)
        #expect(report["samples"] == 7 && report["passed"] == 4, "\(outcome.stdout)")
        #expect(abs((report["pass_at_k"]?["pass@1"]?.doubleValue ?? 0) - 4.0 / 7) < 1e-12, "\(outcome.stdout)")
        #expect(outcome.stderr.contains("eval: submitted Slurm job "), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("eval: 3/3 shards done, 7/7 samples, 4 passed"), "\(outcome.stderr)")
        let merged = try Self.results(samples + "_results.jsonl")
        #expect(merged.map { $0["sample_index"] } == (0..<7).map { .integer(Int64($0)) })
        let localLines = try Self.results(directory + "/local.jsonl")
        #expect(merged.map { $0["passed"] } == localLines.map { $0["passed"] }, "the same verdicts as a local run")
        #expect(merged.map { $0["completion"] } == localLines.map { $0["completion"] })
        #expect(try Self.recordedCalls(config: config) == 7)
        let state = try JSONParser.parse(String(contentsOfFile: samples + "_results.jsonl.slurm/run.json", encoding: .utf8))
        let job = try #require(state["jobs"]?["0"]?.arrayValue?.first?.stringValue?.split(separator: "_").first.map(String.init))
        // slurmdbd records the tasks asynchronously: poll sacct (with a
        // deadline) until it has them, then check what it lists.
        var sacct = ""
        func threeCompletedTasks() -> Bool {
            sacct = cluster.output("sacct", ["-X", "-j", job, "--parsable2", "--noheader", "-o", "JobID,State"])
            let lines = sacct.split(separator: "\n")
            return lines.count == 3 && lines.allSatisfy { $0.hasSuffix("|COMPLETED") }
        }
        try? cluster.waitUntil("sacct listing the array's three tasks", deadline: 30, threeCompletedTasks)
        #expect(threeCompletedTasks(), "one array job of three tasks: \(sacct)")
    }

    @Test func aTaskKilledMidRun_isResubmitted_andTheResultsHoldEverySampleExactlyOnce() throws {
        let cluster = try SharedSlurmCluster.cluster()
        let (_, config, samples) = try Self.setUp("killed", fast: 4, slow: 4)
        // A provider key in the coordinator's environment must reach no task and no Slurm state.
        var environment = cluster.environment
        environment["OPENAI_API_KEY"] = "sk-PLANTED"
        environment["KAI_CACHE_DIR"] = "/tmp/kai-slurm-cache-test"
        let run = try KaiProcess.start(Self.arguments(samples, config: config, shards: 2), environment: environment)
        let runDirectory = samples + "_results.jsonl.slurm"
        // Shard 1 (the sleeping samples) has finished one sample and runs on.
        try Self.waitUntil("shard 1 to finish a sample") {
            (try? String(contentsOfFile: runDirectory + "/shard-1.partial.jsonl", encoding: .utf8))?.contains("\n") == true
        }
        let state = try JSONParser.parse(String(contentsOfFile: runDirectory + "/run.json", encoding: .utf8))
        let task = try #require(state["jobs"]?["1"]?.arrayValue?.first?.stringValue)
        let taskEnvironments = Self.shardEnvironments(runDirectory: runDirectory)
        #expect(!taskEnvironments.isEmpty && taskEnvironments.allSatisfy { !$0.contains("sk-PLANTED") && !$0.contains("OPENAI_API_KEY") },
                "\(taskEnvironments)")
        #expect(taskEnvironments.allSatisfy { $0.contains("KAI_CACHE_DIR=/tmp/kai-slurm-cache-test\n") && $0.contains("PATH=") },
                "the allow-listed variables are passed: \(taskEnvironments)")
        #expect(Self.files(under: cluster.directory, containing: "sk-PLANTED").isEmpty, "nothing in slurmctld's or slurmd's state")
        #expect(cluster.output("scontrol", ["-o", "show", "job", task]).contains(" Requeue=0 "), "submitted with --no-requeue")
        #expect(cluster.succeeds("scancel", [task]))
        let outcome = run.finish()

        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("eval: resubmitted shards 1 as job "), "\(outcome.stderr)")
        #expect(outcome.stderr.contains(" after \(task) CANCELLED"), "\(outcome.stderr)")
        let merged = try Self.results(samples + "_results.jsonl")
        #expect(merged.map { $0["sample_index"] } == (0..<8).map { .integer(Int64($0)) }, "every sample once, in order")
        #expect(merged.map { $0["passed"] } == [true, false, true, false, true, true, true, true])
        #expect(try Self.recordedCalls(config: config) == 8)
        let after = try JSONParser.parse(String(contentsOfFile: runDirectory + "/run.json", encoding: .utf8))
        #expect(after["jobs"]?["1"]?.arrayValue?.count == 2 && after["jobs"]?["0"]?.arrayValue?.count == 1)
    }

    @Test func resume_watchesTheJobStillRunning_resubmitsNothingFinished_andRecordsOnce() throws {
        let cluster = try SharedSlurmCluster.cluster()
        let (_, config, samples) = try Self.setUp("resume", fast: 4, slow: 4)
        let runDirectory = samples + "_results.jsonl.slurm"
        let first = try KaiProcess.start(Self.arguments(samples, config: config, shards: 2), environment: cluster.environment)
        #expect(first.waitForStderr(containing: "eval: 1/2 shards done"))
        kill(first.process.processIdentifier, SIGKILL)
        _ = first.finish()

        let refused = try KaiProcess.run(Self.arguments(samples, config: config, shards: 2), environment: cluster.environment)
        #expect(refused.status == 65)
        #expect(refused.stderr == "kai: error: \(runDirectory): holds an earlier run; pass --resume to continue it, or delete it to start again\n")

        let resumed = try KaiProcess.run(Self.arguments(samples, config: config, shards: 2, ["--resume"]), environment: cluster.environment)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(!resumed.stderr.contains("submitted"), "nothing resubmitted: \(resumed.stderr)")
        #expect(try Self.results(samples + "_results.jsonl").map { $0["sample_index"] } == (0..<8).map { .integer(Int64($0)) })
        let state = try JSONParser.parse(String(contentsOfFile: runDirectory + "/run.json", encoding: .utf8))
        #expect(state["jobs"]?["0"]?.arrayValue?.count == 1 && state["jobs"]?["1"]?.arrayValue?.count == 1)
        #expect(try Self.recordedCalls(config: config) == 8)

        let again = try KaiProcess.run(Self.arguments(samples, config: config, shards: 2, ["--resume"]), environment: cluster.environment)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try JSONParser.parse(again.stdout)["samples"] == 8)
        #expect(try Self.recordedCalls(config: config) == 8, "a merged run is not recorded twice")
    }

    @Test func aSecondCoordinator_isRefusedWhileTheFirstHoldsTheRun_andTheRunIsRecordedOnce() throws {
        let cluster = try SharedSlurmCluster.cluster()
        let (directory, config, samples) = try Self.setUp("lock", fast: 2, slow: 2)
        let runDirectory = samples + "_results.jsonl.slurm"
        let first = try KaiProcess.start(Self.arguments(samples, config: config, shards: 2), environment: cluster.environment)
        #expect(first.waitForStderr(containing: "eval: submitted Slurm job "))
        // The first holds the lock while it watches.
        let fd = open(runDirectory + "/coordinator.lock", O_RDWR)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK, "the running coordinator holds coordinator.lock")
        close(fd)
        let second = try KaiProcess.run(Self.arguments(samples, config: config, shards: 2, ["--resume"]), environment: cluster.environment)
        #expect(second.status == 65)
        #expect(second.stderr == "kai: error: \(runDirectory): another kai eval --slurm is running this evaluation (it holds "
                + "\(runDirectory)/coordinator.lock); wait for it to finish, or stop it and run the same command with --resume to continue its run.\n")
        #expect(first.finish().status == 0)
        #expect(try Self.recordedCalls(config: config) == 4)
        let state = try JSONParser.parse(String(contentsOfFile: runDirectory + "/run.json", encoding: .utf8))
        #expect(state["jobs"]?["0"]?.arrayValue?.count == 1 && state["jobs"]?["1"]?.arrayValue?.count == 1, "nothing submitted twice")

        // A lock taken before run.json exists: a fresh run directory is refused too.
        let other = directory + "/other-run"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        let held = open(other + "/coordinator.lock", O_RDWR | O_CREAT, 0o644)
        defer { close(held) }
        #expect(flock(held, LOCK_EX | LOCK_NB) == 0)
        let refused = try KaiProcess.run(Self.arguments(samples, config: config, shards: 2, ["--slurm-dir", other, "--out", directory + "/o.jsonl"]),
                                         environment: cluster.environment)
        #expect(refused.stderr == "kai: error: \(other): another kai eval --slurm is running this evaluation (it holds "
                + "\(other)/coordinator.lock); wait for it to finish, or stop it and run the same command with --resume to continue its run.\n")
        #expect(!FileManager.default.fileExists(atPath: other + "/run.json"))
    }

    @Test func recording_isAtMostOnce_andAResumeNeverRedoesOtherRuns() throws {
        let cluster = try SharedSlurmCluster.cluster()
        let (directory, config, samples) = try Self.setUp("record-once", fast: 2, slow: 0)
        let runDirectory = samples + "_results.jsonl.slurm"
        #expect(try KaiProcess.run(Self.arguments(samples, config: config, shards: 1), environment: cluster.environment).status == 0)
        #expect(try Self.recordedCalls(config: config) == 2)
        // As a coordinator killed between marking the run "recording" and "merged" leaves it.
        let statePath = runDirectory + "/run.json"
        let state = try String(contentsOfFile: statePath, encoding: .utf8)
        try state.replacingOccurrences(of: "\"merged\":true", with: "\"merged\":false").write(toFile: statePath, atomically: true, encoding: .utf8)
        #expect(try String(contentsOfFile: statePath, encoding: .utf8).contains("\"recording\":true"))
        let resumed = try KaiProcess.run(Self.arguments(samples, config: config, shards: 1, ["--resume"]), environment: cluster.environment)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("eval: an earlier kai eval --slurm stopped while recording this run in the registry; it is not "
                + "recorded again (a sample is never counted twice), so the registry may lack some of this run's records\n"), "\(resumed.stderr)")
        #expect(try Self.recordedCalls(config: config) == 2, "not recorded twice")

        // Other samples or limits: the run is not resumed.
        let changed = try KaiProcess.run(Self.arguments(samples, config: config, shards: 1, ["--resume", "--timeout", "19"]),
                                         environment: cluster.environment)
        #expect(changed.status == 65)
        #expect(changed.stderr == "kai: error: \(runDirectory): was made for another samples file or other evaluation settings "
                + "(--timeout, --memory, --workers, isolation); resume it with the same samples and options as the first run, "
                + "or delete it to start again\n")

        // A local run's results, with no run directory: --slurm --resume does not redo and re-record them.
        let local = directory + "/local.jsonl"
        #expect(try KaiProcess.run(["eval", Self.problems, samples, "--out", local, "--k", "1", "--config", config,
                                    "--no-bundled-plugins", "--no-require-isolation"]).status == 0)
        let again = try KaiProcess.run(Self.arguments(samples, config: config, shards: 1, ["--resume", "--out", local]),
                                       environment: cluster.environment)
        #expect(again.status == 65)
        #expect(again.stderr == "kai: error: \(local): holds results but there is no kai eval --slurm run in \(local).slurm to resume; "
                + "drop --slurm to continue a local run here, or delete the results file to evaluate again on Slurm\n")
        #expect(!FileManager.default.fileExists(atPath: local + ".slurm"))
        #expect(try Self.recordedCalls(config: config) == 4, "the local run's 2, nothing more")
    }

    /// Held tasks stay pending: sacct lists them as one range line
    /// (`J_[0-1]|PENDING`) or, before slurmdbd has heard of them, not at all.
    /// A resumed coordinator watches them (slurmctld knows them) instead of
    /// submitting their shards again.
    @Test func resume_ofPendingTasks_submitsNothing_andWaitsForThem() throws {
        let cluster = try SharedSlurmCluster.cluster()
        let (_, config, samples) = try Self.setUp("pending", fast: 4, slow: 0)
        let runDirectory = samples + "_results.jsonl.slurm"
        let arguments = Self.arguments(samples, config: config, shards: 2, ["--sbatch-arg=--hold"])
        let first = try KaiProcess.start(arguments, environment: cluster.environment)
        #expect(first.waitForStderr(containing: "eval: 0/2 shards done"))
        kill(first.process.processIdentifier, SIGKILL)
        _ = first.finish()
        let state = try JSONParser.parse(String(contentsOfFile: runDirectory + "/run.json", encoding: .utf8))
        let job = try #require(state["jobs"]?["0"]?.arrayValue?.first?.stringValue?.split(separator: "_").first.map(String.init))
        // slurmdbd may not have heard of a held job at all yet: either way no task is listed as ended.
        let listed = cluster.output("sacct", ["-X", "-j", job, "--parsable2", "--noheader", "-o", "JobID,State"])
        #expect(listed.isEmpty || listed == "\(job)_[0-1]|PENDING\n", "\(listed)")

        let resumed = try KaiProcess.start(arguments + ["--resume"], environment: cluster.environment)
        #expect(resumed.waitForStderr(containing: "eval: 0/2 shards done"), "one look at sacct done")
        #expect(cluster.succeeds("scontrol", ["release", job]))
        let outcome = resumed.finish()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("submitted"), "nothing submitted again: \(outcome.stderr)")
        let after = try JSONParser.parse(String(contentsOfFile: runDirectory + "/run.json", encoding: .utf8))
        #expect(after["jobs"]?["0"]?.arrayValue?.count == 1 && after["jobs"]?["1"]?.arrayValue?.count == 1)
        #expect(try Self.recordedCalls(config: config) == 4)
    }

    @Test func aJobAUserCancelled_stopsTheRun_insteadOfResubmitting() throws {
        let cluster = try SharedSlurmCluster.cluster()
        let (_, config, samples) = try Self.setUp("user-cancel", fast: 0, slow: 4)
        let runDirectory = samples + "_results.jsonl.slurm"
        let run = try KaiProcess.start(Self.arguments(samples, config: config, shards: 2), environment: cluster.environment)
        #expect(run.waitForStderr(containing: "eval: submitted Slurm job "))
        let state = try JSONParser.parse(String(contentsOfFile: runDirectory + "/run.json", encoding: .utf8))
        let job = try #require(state["jobs"]?["0"]?.arrayValue?.first?.stringValue?.split(separator: "_").first.map(String.init))
        #expect(cluster.succeeds("scancel", [job]))
        let outcome = run.finish()
        #expect(outcome.status == 70, "\(outcome.stderr)")
        #expect(outcome.stderr.hasSuffix("kai: error: Slurm job \(job) was cancelled (CANCELLED by 0) before any of its tasks finished; "
                + "kai does not resubmit what a user cancelled. Run the same command with --resume to continue the evaluation.\n"),
                "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("resubmitted"))
    }

    @Test func aJobSbatchRefuses_isReported_withItsWords_andLeavesNoRunDirectory() throws {
        let cluster = try SharedSlurmCluster.cluster()
        let (_, config, samples) = try Self.setUp("refused", fast: 2, slow: 0)
        let runDirectory = samples + "_results.jsonl.slurm"
        let outcome = try KaiProcess.run(Self.arguments(samples, config: config, shards: 2, ["--sbatch-arg=--partition=nosuch"]),
                                         environment: cluster.environment)
        #expect(outcome.status == 65)
        #expect(outcome.stderr == "kai: error: sbatch refused the job: invalid partition specified: nosuch; check --slurm and --sbatch-arg.\n")
        #expect(!FileManager.default.fileExists(atPath: runDirectory), "a rerun is not blocked")

        // More shards than the cluster's MaxArraySize (1001 by default).
        let (_, _, many) = try Self.setUp("too-many", fast: 1002, slow: 0)
        let tooMany = try KaiProcess.run(Self.arguments(many, config: config, shards: 1002), environment: cluster.environment)
        #expect(tooMany.status == 65)
        #expect(tooMany.stderr == "kai: error: sbatch refused the job: Invalid job array specification (the cluster's MaxArraySize is 1001: "
                + "task indices must stay below it); check --slurm and --sbatch-arg.\n")
        #expect(!FileManager.default.fileExists(atPath: many + "_results.jsonl.slurm"))
    }

    @Test func sacctFailingWhileTheJobRuns_isWaitedOut_andNothingIsLost() throws {
        let cluster = try SharedSlurmCluster.cluster()
        let (_, config, samples) = try Self.setUp("dbd-restart", fast: 2, slow: 4)
        let run = try KaiProcess.start(Self.arguments(samples, config: config, shards: 2), environment: cluster.environment)
        #expect(run.waitForStderr(containing: "eval: submitted Slurm job "))
        cluster.stop(daemon: "slurmdbd")
        #expect(run.waitForStderr(containing: "; the tasks run on, and kai keeps watching for up to 5 minutes"))
        try cluster.start(daemon: "slurmdbd")
        let outcome = run.finish()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("eval: sacct failed (exit 1): "), "\(outcome.stderr)")
        #expect(try Self.results(samples + "_results.jsonl").map { $0["sample_index"] } == (0..<6).map { .integer(Int64($0)) })
        #expect(try Self.recordedCalls(config: config) == 6)
    }

    @Test func aShardFailingEveryTime_stopsAfterItsRetries_namingTheLogAndResume() throws {
        let cluster = try SharedSlurmCluster.cluster()
        let (directory, config, samples) = try Self.setUp("exhausted", fast: 2, slow: 0)
        let runDirectory = directory + "/run"
        // A directory where the shard's partial results file goes: every task fails to write it.
        try FileManager.default.createDirectory(atPath: runDirectory + "/shard-0.partial.jsonl", withIntermediateDirectories: true)
        let arguments = Self.arguments(samples, config: config, shards: 1, ["--slurm-retries", "1", "--slurm-dir", runDirectory])
        let outcome = try KaiProcess.run(arguments, environment: cluster.environment)
        #expect(outcome.status == 70, "\(outcome.stderr)")
        let state = try JSONParser.parse(String(contentsOfFile: runDirectory + "/run.json", encoding: .utf8))
        let jobs = (state["jobs"]?["0"]?.arrayValue ?? []).compactMap { $0.stringValue }
        #expect(jobs.count == 2, "submitted once, resubmitted once")
        let last = jobs.last!.split(separator: "_")
        #expect(outcome.stderr.hasSuffix("kai: error: shard 0/1 (samples 0-1) failed 2 times (last: job \(jobs.last!) FAILED, exit 65:0); "
                + "its log is \(runDirectory)/slurm-\(last[0])_\(last[1]).out. "
                + "Fix the cause and run the same command with --resume to retry the shards not finished.\n"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: samples + "_results.jsonl"), "nothing merged")

        // Fixed, --resume gets fresh retries and finishes.
        try FileManager.default.removeItem(atPath: runDirectory + "/shard-0.partial.jsonl")
        let resumed = try KaiProcess.run(arguments + ["--resume"], environment: cluster.environment)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Self.results(samples + "_results.jsonl").count == 2)
    }
}

/// Errors that need no running cluster.
@Suite struct EvalSlurmErrorCLITests {
    @Test func sbatchMissing_namesTheCommandAndTheFix() throws {
        let directory = Fixtures.scratch + "/eval-slurm-missing"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory + "/empty-path", withIntermediateDirectories: true)
        let problems = EvalSlurmCLITests.problems, samples = Fixtures.repositoryRoot + "/Tests/Fixtures/eval/samples.jsonl"
        let outcome = try KaiProcess.run(["eval", problems, samples, "--slurm", "2", "--out", directory + "/results.jsonl",
                                          "--database", directory + "/registry.sqlite", "--no-bundled-plugins"],
                                         environment: ["PATH": directory + "/empty-path"])
        #expect(outcome.status == 69)
        #expect(outcome.stderr == "kai: error: sbatch not found on PATH: kai eval --slurm needs the Slurm client commands (sbatch and sacct); "
                + "install them (Debian: apt-get install slurm-client) or run kai on a login node of the cluster, or drop --slurm to evaluate here.\n")
    }

    @Test(arguments: [
        (["--slurm", "0"], "Error: --slurm must be at least 1 shard, got 0."),
        (["--slurm", "2", "--slurm-retries=-1"], "Error: --slurm-retries must be 0 or more, got -1."),
        (["--shard", "4/4", "--slurm-dir", "d"], "Error: --shard '4/4' must be I/N with 0 <= I < N, like 0/4."),
        (["--shard", "0/2"], "Error: --shard needs --slurm-dir, the run's directory its results go to."),
        (["--shard", "0/2", "--slurm-dir", "d", "--slurm", "2"], "Error: --shard is what each task of --slurm runs; pass one or the other."),
    ])
    func badSlurmOptions_areUsageErrors_sayingWhatIsExpected(extra: [String], message: String) throws {
        let samples = Fixtures.repositoryRoot + "/Tests/Fixtures/eval/samples.jsonl"
        let outcome = try KaiProcess.run(["eval", EvalSlurmCLITests.problems, samples] + extra)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.split(separator: "\n").first.map(String.init) == message, "\(outcome.stderr)")
    }

    @Test func aShardWhoseInputsChanged_failsInsteadOfMerging() throws {
        let directory = Fixtures.scratch + "/eval-slurm-digest"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let samples = Fixtures.repositoryRoot + "/Tests/Fixtures/eval/samples.jsonl"
        let outcome = try KaiProcess.run(["eval", EvalSlurmCLITests.problems, samples, "--shard", "0/1", "--slurm-dir", directory,
                                          "--slurm-digest", "0123456789abcdef0123", "--no-require-isolation"])
        #expect(outcome.status == 65)
        #expect(outcome.stderr.hasPrefix("kai: error: shard 0/1: the samples, the problems or the evaluation settings (--timeout, --memory, "
                + "isolation) differ from those kai eval --slurm started this run with (run digest 0123456789ab, now "), "\(outcome.stderr)")
        #expect(outcome.stderr.hasSuffix("); this task stops without results. Restore them, or delete \(directory) and start again.\n"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/shard-0.partial.jsonl"))
    }

    @Test func checkProblems_withSlurm_isAUsageError() throws {
        let outcome = try KaiProcess.run(["eval", EvalSlurmCLITests.problems, "--check-problems", "--slurm", "2"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix("Error: --check-problems runs here; it cannot be combined with --slurm or --shard.\n"), "\(outcome.stderr)")
    }

    /// kai with SLURM_CONF pointing at `config` (a cluster nothing serves).
    static func kai(slurmConfig config: String, _ name: String) throws -> KaiProcess.Outcome {
        let directory = Fixtures.scratch + "/eval-slurm-\(name)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try config.write(toFile: directory + "/slurm.conf", atomically: true, encoding: .utf8)
        let problems = EvalSlurmCLITests.problems, samples = Fixtures.repositoryRoot + "/Tests/Fixtures/eval/samples.jsonl"
        let outcome = try KaiProcess.run(["eval", problems, samples, "--slurm", "2", "--out", directory + "/results.jsonl",
                                          "--database", directory + "/registry.sqlite", "--no-bundled-plugins"],
                                         environment: ["SLURM_CONF": directory + "/slurm.conf"])
        #expect(!FileManager.default.fileExists(atPath: directory + "/results.jsonl.slurm"), "nothing submitted, no run directory left")
        return outcome
    }

    static let downCluster = "ClusterName=down\nSlurmctldHost=localhost\nSlurmctldPort=9\nAuthType=auth/none\nCredType=cred/none\n"
        + "MessageTimeout=1\nNodeName=localhost CPUs=1\nPartitionName=debug Nodes=localhost Default=YES\n"

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sacct"), "needs sacct (apt-get install slurm-wlm)"))
    func aClusterThatIsDown_isFoundBeforeSubmitting_namingScontrolPing() throws {
        // Its accounting daemon on a port nothing listens on.
        let outcome = try Self.kai(slurmConfig: Self.downCluster
            + "AccountingStorageType=accounting_storage/slurmdbd\nAccountingStorageHost=127.0.0.1\nAccountingStoragePort=9\n", "down")
        #expect(outcome.status == 69)
        #expect(outcome.stderr == "kai: error: sacct failed (exit 1): sacct: error: Problem talking to the database: Connection refused. "
                + "Check that the cluster is up (scontrol ping) and that this host's SLURM_CONF points at it, or drop --slurm to evaluate here.\n")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sacct"), "needs sacct (apt-get install slurm-wlm)"))
    func aClusterWithoutJobAccounting_isRefusedBeforeSubmitting_namingSlurmdbd() throws {
        let outcome = try Self.kai(slurmConfig: Self.downCluster, "no-accounting")
        #expect(outcome.status == 69)
        #expect(outcome.stderr == "kai: error: sacct: Slurm accounting storage is disabled on this cluster; kai eval --slurm watches its jobs "
                + "with sacct, which needs slurmdbd (AccountingStorageType=accounting_storage/slurmdbd in slurm.conf). "
                + "Ask the cluster's operator to enable job accounting, or drop --slurm to evaluate here.\n")
    }
}
