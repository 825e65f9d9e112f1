/// The running, exponentially decayed summary of one capability's calls for
/// one task type: everything a score needs, in six numbers.
///
/// The store keeps one row of these columns per (capability, task type) and
/// folds each call in with `ScoreModel.updated(_:success:durationSeconds:quality:)`,
/// so recording a call is O(1) and a score never needs the call history.
/// Task types are never mixed: a plugin that is good at `coding` and bad at
/// `writing` has two aggregates and two scores.
///
/// The `*Weight` and `qualityCount` fields are decayed: before a call is
/// added, the old sums are multiplied by the model's per-call decay factor,
/// so recent calls count more than old ones. `calls` is the raw count, for
/// display only; no score depends on it.
public struct PerformanceAggregate: Sendable, Codable, Equatable {
    /// Decayed count of calls.
    public var weight: Double
    /// Decayed count of successful calls.
    public var successWeight: Double
    /// Decayed sum of call durations, in seconds.
    public var durationWeight: Double
    /// Decayed sum of quality scores, each in 0...1.
    public var qualityWeight: Double
    /// Decayed count of calls that carried a quality score.
    public var qualityCount: Double
    /// Raw number of calls recorded, undecayed.
    public var calls: Int

    /// An aggregate with no calls; it scores the model's prior.
    public init() {
        self.init(weight: 0, successWeight: 0, durationWeight: 0, qualityWeight: 0, qualityCount: 0, calls: 0)
    }

    /// An aggregate with the given columns, as read back from the store.
    public init(
        weight: Double, successWeight: Double, durationWeight: Double,
        qualityWeight: Double, qualityCount: Double, calls: Int
    ) {
        self.weight = weight
        self.successWeight = successWeight
        self.durationWeight = durationWeight
        self.qualityWeight = qualityWeight
        self.qualityCount = qualityCount
        self.calls = calls
    }
}
