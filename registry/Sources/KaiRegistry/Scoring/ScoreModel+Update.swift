extension ScoreModel {
    /// Folds one call into an aggregate in O(1): decay the old sums, then add.
    ///
    /// - Parameters:
    ///   - durationSeconds: wall time of the call. Zero is a real (fast)
    ///     measurement. Negative, NaN or infinite values are clock faults and
    ///     carry no information, so they are recorded as the aggregate's
    ///     current mean latency (the fallback latency when it has none):
    ///     the call still counts, its speed changes nothing. Values above
    ///     `maxDurationSeconds` are recorded as that.
    ///   - quality: an optional grade, clamped to 0...1; NaN counts as none.
    ///     Quality sums decay only when a grade arrives, so recency for
    ///     quality is measured in graded calls and ungraded calls leave the
    ///     quality term untouched.
    /// - Returns: the new aggregate; the input is not changed.
    public func updated(
        _ a: PerformanceAggregate, success: Bool, durationSeconds: Double, quality: Double?
    ) -> PerformanceAggregate {
        var next = a
        next.weight = decay * a.weight + 1
        next.successWeight = decay * a.successWeight + (success ? 1 : 0)
        next.durationWeight = decay * a.durationWeight + recordedDuration(durationSeconds, into: a)
        if let grade = recordedQuality(quality) {
            next.qualityWeight = decay * a.qualityWeight + grade
            next.qualityCount = decay * a.qualityCount + 1
        }
        next.calls = a.calls == .max ? .max : a.calls + 1
        return next
    }

    private func recordedDuration(_ seconds: Double, into a: PerformanceAggregate) -> Double {
        guard seconds.isFinite, seconds >= 0 else {
            return averageLatency(a) ?? fallbackLatencySeconds
        }
        return min(seconds, maxDurationSeconds)
    }

    private func recordedQuality(_ grade: Double?) -> Double? {
        guard let grade, !grade.isNaN else { return nil }
        return min(max(grade, 0), 1)
    }
}
