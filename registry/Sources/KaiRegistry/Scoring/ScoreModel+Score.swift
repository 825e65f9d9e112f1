extension ScoreModel {
    /// The score of one capability for one task type, in 0...1.
    ///
    /// - Parameter peerLatencySeconds: the mean latency of all providers of
    ///   the same capability for the same task type (see `peerLatency(of:)`).
    ///   `nil`, negative, NaN or infinite fall back to `fallbackLatencySeconds`.
    /// - Returns: the weighted mean of `successRate`, `latencyTerm` and
    ///   `quality`. With no calls that is the weighted mean of the priors
    ///   (0.5 with the defaults). Never NaN, even for a corrupt aggregate.
    public func score(_ a: PerformanceAggregate, peerLatencySeconds: Double?) -> Double {
        let sum = weights.success * successRate(a)
            + weights.latency * latencyTerm(a, peerLatencySeconds: peerLatencySeconds)
            + weights.quality * quality(a)
        return unitInterval(sum / weights.total, orElse: 0.5)
    }

    /// Success rate smoothed toward the prior:
    /// (successWeight + k·p0) / (weight + k).
    public func successRate(_ a: PerformanceAggregate) -> Double {
        smoothed(a.successWeight, over: a.weight, toward: successPrior)
    }

    /// Quality smoothed toward the prior over graded calls only:
    /// (qualityWeight + k·q0) / (qualityCount + k).
    public func quality(_ a: PerformanceAggregate) -> Double {
        smoothed(a.qualityWeight, over: a.qualityCount, toward: qualityPrior)
    }

    /// Decayed mean duration in seconds; `nil` with no calls.
    public func averageLatency(_ a: PerformanceAggregate) -> Double? {
        guard a.weight > 0, a.weight.isFinite, a.durationWeight >= 0, a.durationWeight.isFinite else { return nil }
        return a.durationWeight / a.weight
    }

    /// Speed relative to peers, smoothed toward the prior:
    /// raw = 1 / (1 + (avg + r) / (reference + r)), which is 0.5 at peer
    /// speed, toward 1 when faster and toward 0 when slower; then
    /// (weight·raw + k·l0) / (weight + k).
    public func latencyTerm(_ a: PerformanceAggregate, peerLatencySeconds: Double?) -> Double {
        guard let average = averageLatency(a) else { return latencyPrior.mean }
        let reference = latencyReference(peerLatencySeconds: peerLatencySeconds)
        let ratio = (average + latencyResolutionSeconds) / (reference + latencyResolutionSeconds)
        let raw = unitInterval(1 / (1 + ratio), orElse: latencyPrior.mean)
        return smoothed(raw * a.weight, over: a.weight, toward: latencyPrior)
    }

    /// The latency that scores 0.5: the peers' when usable, else the fallback.
    public func latencyReference(peerLatencySeconds: Double?) -> Double {
        guard let peer = peerLatencySeconds, peer.isFinite, peer >= 0,
              peer + latencyResolutionSeconds > 0 else { return fallbackLatencySeconds }
        return peer
    }

    /// (evidence + k·mean) / (count + k), clamped to 0...1; the prior mean
    /// when the numbers are unusable (no evidence and k = 0, or corrupt).
    private func smoothed(_ evidence: Double, over count: Double, toward prior: Prior) -> Double {
        let value = (evidence + prior.strength * prior.mean) / (count + prior.strength)
        return unitInterval(value, orElse: prior.mean)
    }

    private func unitInterval(_ value: Double, orElse fallback: Double) -> Double {
        value.isFinite ? min(max(value, 0), 1) : fallback
    }
}
