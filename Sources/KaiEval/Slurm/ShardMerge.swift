import Foundation
import KaiJSON

/// Joins the shard files of a Slurm run into one results file, in sample
/// order, exactly as a local run writes it: every sample once (a line that
/// appears twice, from a task that ran twice, counts once), none missing.
enum ShardMerge {
    /// Reads every shard's finished file and returns one line per sample.
    static func lines(samples: [EvalSample], shards: Int, directory: SlurmRunDirectory) throws(SlurmError) -> [JSONObject] {
        var byIndex: [Int: JSONObject] = [:]
        for shard in 0..<shards {
            let file = directory.finishedPath(shard)
            let owned = EvalShard(index: shard, count: shards).indices(of: samples.count)
            for object in ShardResults.read(file) {
                guard let index = object["sample_index"]?.intValue.map(Int.init), owned.contains(index),
                      object["task_id"]?.stringValue == samples[index].taskID
                else {
                    throw .conflicting(index: object["sample_index"]?.intValue.map(Int.init) ?? -1, file: file)
                }
                if byIndex[index] == nil { byIndex[index] = object }
            }
        }
        let missing = samples.map(\.index).filter { byIndex[$0] == nil }
        guard missing.isEmpty else { throw .incomplete(missing: missing, directory: directory.path) }
        return samples.map { byIndex[$0.index]! }
    }

    /// Writes the results file atomically (a temp file renamed over it).
    static func write(_ lines: [JSONObject], to path: String) throws(SlurmError) {
        let text = lines.map { JSONValue.object($0).serialized() + "\n" }.joined()
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .runDirectory(path: path, "cannot be written (\(error.localizedDescription)); pass another --out")
        }
    }

    /// The run's summary, as a local run reports it. `recorded` marks records
    /// an earlier coordinator already merged (and fed to the registry).
    static func summary(_ lines: [JSONObject], samples: [EvalSample], ks: [Int], resultsPath: String,
                        elapsed: Double, recorded: Bool) -> EvalSummary {
        var perTask: [String: (samples: Int, correct: Int)] = [:]
        var statuses: [String: Int] = [:]
        let records = zip(samples, lines).map { sample, line in
            let outcome = SampleOutcome(
                result: line["result"]?.stringValue ?? "", status: line["status"]?.stringValue ?? "unknown",
                cpuTimeMs: line["cpu_time_ms"]?.doubleValue ?? 0, wallTimeMs: line["wall_time_ms"]?.doubleValue ?? 0,
                peakMemoryKB: Int(line["peak_memory_kb"]?.intValue ?? 0))
            perTask[sample.taskID, default: (0, 0)].samples += 1
            if outcome.passed { perTask[sample.taskID, default: (0, 0)].correct += 1 }
            statuses[outcome.status, default: 0] += 1
            return EvalRecord(sample: sample, outcome: outcome, resumed: recorded)
        }
        let counts = perTask.keys.sorted().map { perTask[$0]! }
        return EvalSummary(
            total: samples.count, passed: records.filter(\.outcome.passed).count,
            passAtK: PassAtK.score(counts, ks: ks), statuses: statuses, elapsed: elapsed,
            resultsPath: resultsPath, records: records)
    }
}

/// The JSON lines of a shard file, complete lines only (a partial file may
/// end in a line cut off by a killed task).
enum ShardResults {
    static func read(_ path: String) -> [JSONObject] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let bytes = [UInt8](data)
        let complete = bytes.lastIndex(of: 0x0a).map { bytes[...$0] } ?? []
        return complete.split(separator: 0x0a).compactMap { line in
            guard case .object(let object)? = try? JSONParser.parse(Array(line)) else { return nil }
            return object
        }
    }
}
