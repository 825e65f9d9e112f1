import KaiRegistry
import Testing

/// The prior stops one lucky call from outranking a long good record; decay
/// makes a regressing plugin fall within a few calls.
struct ScorePriorAndRecencyTests {
    let model = ScoreModel.standard

    /// 990 of 1,000 with one failure every 100 calls.
    var steadyNinetyNine: PerformanceAggregate { performanceHistory((0..<1000).map { $0 % 100 != 50 }) }

    @Test func noCalls_scoresThePrior() {
        #expect(model.score(PerformanceAggregate(), peerLatencySeconds: nil) == 0.5)
        #expect(model.score(PerformanceAggregate(), peerLatencySeconds: 3) == 0.5)
        #expect(model.averageLatency(PerformanceAggregate()) == nil)
    }

    @Test func oneLuckyCall_ranksBelowNineHundredNinetyOfAThousand() {
        let lucky = performanceHistory(successes: 1, failures: 0)
        let luckyScore = model.score(lucky, peerLatencySeconds: 1)
        let provenScore = model.score(steadyNinetyNine, peerLatencySeconds: 1)
        #expect(abs(luckyScore - 0.5417) < 1e-4)
        #expect(abs(provenScore - 0.7295) < 1e-4)
        #expect(luckyScore < provenScore)
    }

    @Test func oneLuckyCall_ranksBelowThousandCallRecord_evenWhenItsTenFailuresAreTheLatest() {
        let worstPlaced = performanceHistory(successes: 990, failures: 10)
        let score = model.score(worstPlaced, peerLatencySeconds: 1)
        #expect(abs(score - 0.6733) < 1e-4)
        #expect(model.score(performanceHistory(successes: 1, failures: 0), peerLatencySeconds: 1) < score)
    }

    @Test func withoutSuccessPrior_oneLuckyCallWouldWin() {
        // The failure mode the prior exists to prevent.
        let unsmoothed = ScoreModel(successPrior: .init(mean: 0.5, strength: 0))
        let lucky = performanceHistory(successes: 1, failures: 0, model: unsmoothed)
        let proven = performanceHistory((0..<1000).map { $0 % 100 != 50 }, model: unsmoothed)
        #expect(unsmoothed.score(lucky, peerLatencySeconds: 1) > unsmoothed.score(proven, peerLatencySeconds: 1))
    }

    @Test func regression_fallsBelowSteadyNinetyPercentPeer_withinNineCalls() {
        #expect(callsToFallBelowNinetyPercentPeer(model) == 9)
    }

    @Test func regression_withoutDecay_takesOverHundredCalls() {
        // Recency weighting is what makes the fall fast: with no decay the
        // same plugin keeps outranking its peer for 112 failing calls.
        #expect(callsToFallBelowNinetyPercentPeer(ScoreModel(halfLifeCalls: .infinity)) == 112)
    }

    /// A plugin with 1,000 successes starts failing every call; counts the
    /// calls until it scores below a peer that succeeds 9 calls in 10, at
    /// that peer's lowest point in its cycle.
    private func callsToFallBelowNinetyPercentPeer(_ model: ScoreModel) -> Int {
        var peer = performanceHistory((0..<990).map { $0 % 10 != 9 }, model: model)
        var peerLowest = 1.0
        for i in 990..<1000 {
            peer = model.updated(peer, success: i % 10 != 9, durationSeconds: 1, quality: nil)
            peerLowest = min(peerLowest, model.score(peer, peerLatencySeconds: 1))
        }
        var regressing = performanceHistory(successes: 1000, failures: 0, model: model)
        for failures in 1...1000 {
            regressing = model.updated(regressing, success: false, durationSeconds: 1, quality: nil)
            if model.score(regressing, peerLatencySeconds: 1) < peerLowest { return failures }
        }
        return Int.max
    }
}
