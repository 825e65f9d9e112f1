import Foundation

/// How measured calls become a score in 0...1: the tunables, with defaults
/// that `registry/README.md` explains number by number.
///
/// score = (wS·success + wL·latency + wQ·quality) / (wS + wL + wQ), where each
/// term is in 0...1 and Bayesian-smoothed toward a prior mean, the sums are
/// exponentially decayed per call, and latency is judged against peers of
/// the same capability. A model is a value: the same aggregate and peer
/// latency always give the same score, bit for bit.
public struct ScoreModel: Sendable, Equatable {
    /// A prior: what a term is believed to be before any evidence, and how
    /// many (decayed) calls of evidence that belief is worth.
    public struct Prior: Sendable, Equatable {
        /// The term's value with no evidence, in 0...1.
        public let mean: Double
        /// Pseudo-calls the prior counts as; 0 turns smoothing off.
        public let strength: Double

        public init(mean: Double, strength: Double) {
            precondition((0...1).contains(mean), "a prior mean must lie in 0...1, got \(mean)")
            precondition(strength >= 0 && strength.isFinite, "a prior strength must be finite and >= 0, got \(strength)")
            self.mean = mean
            self.strength = strength
        }
    }

    /// How much each term counts. Only the ratios matter: the score divides
    /// by their sum, so it stays in 0...1 whatever the weights.
    public struct Weights: Sendable, Equatable {
        public let success: Double
        public let latency: Double
        public let quality: Double

        public init(success: Double, latency: Double, quality: Double) {
            let all = [success, latency, quality]
            precondition(all.allSatisfy { $0 >= 0 && $0.isFinite }, "score weights must be finite and >= 0")
            precondition(all.reduce(0, +) > 0, "at least one score weight must be positive")
            self.success = success
            self.latency = latency
            self.quality = quality
        }

        var total: Double { success + latency + quality }
    }

    /// Calls after which an old call counts half as much. Default 50;
    /// `.infinity` turns recency weighting off.
    public let halfLifeCalls: Double
    /// Factor old sums are multiplied by before each call: 2^(-1/halfLifeCalls).
    public let decay: Double
    /// Default mean 0.5, strength 5: an unknown plugin is a coin flip, and
    /// it takes several calls of evidence to move far from that.
    public let successPrior: Prior
    /// Default mean 0.5, strength 5, counted in graded calls only.
    public let qualityPrior: Prior
    /// Default mean 0.5 (exactly "as fast as peers"), strength 5.
    public let latencyPrior: Prior
    /// Default 0.5 / 0.3 / 0.2, the original design's weights.
    public let weights: Weights
    /// The latency that scores 0.5 when no peer latency is known. Default
    /// 60 s, the original design's fixed reference.
    public let fallbackLatencySeconds: Double
    /// Added to both sides of the latency ratio so timer-resolution
    /// differences (a 20 µs plugin against a 10 µs peer) do not halve a
    /// term. Default 1 ms.
    public let latencyResolutionSeconds: Double
    /// Longer durations are recorded as this, so decayed sums stay finite.
    /// Default one day.
    public let maxDurationSeconds: Double

    /// The documented defaults.
    public static let standard = ScoreModel()

    public init(
        halfLifeCalls: Double = 50,
        successPrior: Prior = Prior(mean: 0.5, strength: 5),
        qualityPrior: Prior = Prior(mean: 0.5, strength: 5),
        latencyPrior: Prior = Prior(mean: 0.5, strength: 5),
        weights: Weights = Weights(success: 0.5, latency: 0.3, quality: 0.2),
        fallbackLatencySeconds: Double = 60,
        latencyResolutionSeconds: Double = 0.001,
        maxDurationSeconds: Double = 86_400
    ) {
        precondition(halfLifeCalls > 0, "halfLifeCalls must be > 0 (use .infinity for no decay), got \(halfLifeCalls)")
        precondition(fallbackLatencySeconds > 0 && fallbackLatencySeconds.isFinite, "fallbackLatencySeconds must be finite and > 0")
        precondition(latencyResolutionSeconds >= 0 && latencyResolutionSeconds.isFinite, "latencyResolutionSeconds must be finite and >= 0")
        precondition(maxDurationSeconds > 0 && maxDurationSeconds.isFinite, "maxDurationSeconds must be finite and > 0")
        self.halfLifeCalls = halfLifeCalls
        self.decay = pow(2, -1 / halfLifeCalls)
        self.successPrior = successPrior
        self.qualityPrior = qualityPrior
        self.latencyPrior = latencyPrior
        self.weights = weights
        self.fallbackLatencySeconds = fallbackLatencySeconds
        self.latencyResolutionSeconds = latencyResolutionSeconds
        self.maxDurationSeconds = maxDurationSeconds
    }
}
