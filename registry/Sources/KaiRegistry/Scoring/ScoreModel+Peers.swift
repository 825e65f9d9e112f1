extension ScoreModel {
    /// The peer latency for `score(_:peerLatencySeconds:)`: the call-weighted
    /// decayed mean latency over all providers of one capability for one task
    /// type, the plugin being scored included. `nil` when none has calls.
    ///
    /// Call-weighting (Σ durationWeight / Σ weight) rather than a mean of
    /// means keeps one rarely used, very slow plugin from setting the bar,
    /// and is one SQL aggregate for the store:
    /// `SUM(durationWeight) / SUM(weight)`.
    public func peerLatency(of aggregates: some Sequence<PerformanceAggregate>) -> Double? {
        var durations = 0.0
        var weights = 0.0
        for a in aggregates where averageLatency(a) != nil {
            durations += a.durationWeight
            weights += a.weight
        }
        guard weights > 0 else { return nil }
        let mean = durations / weights
        return mean.isFinite ? mean : nil
    }
}
