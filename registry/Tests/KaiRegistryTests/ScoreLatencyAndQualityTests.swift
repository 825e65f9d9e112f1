import KaiRegistry
import Testing

/// Latency is judged against peers of the same capability (60 s only when
/// there are none), and graded quality moves the score.
struct ScoreLatencyAndQualityTests {
    let model = ScoreModel.standard

    @Test func fasterThanPeers_scoresHigherThanSlower_atSameSuccess() {
        let fast = performanceHistory(successes: 100, failures: 0, durationSeconds: 1)
        let slow = performanceHistory(successes: 100, failures: 0, durationSeconds: 2)
        let peer = model.peerLatency(of: [fast, slow])
        #expect(peer.map { abs($0 - 1.5) < 1e-12 } == true)
        let fastScore = model.score(fast, peerLatencySeconds: peer)
        let slowScore = model.score(slow, peerLatencySeconds: peer)
        #expect(abs(fastScore - 0.7564) < 1e-4)
        #expect(abs(slowScore - 0.7094) < 1e-4)
    }

    @Test func atPeerSpeed_latencyTermIsOneHalf() {
        let a = performanceHistory(successes: 80, failures: 0, durationSeconds: 0.25)
        #expect(abs(model.latencyTerm(a, peerLatencySeconds: 0.25) - 0.5) < 1e-12)
    }

    @Test func withoutPeers_sixtySecondsIsTheReference() {
        let a = performanceHistory(successes: 80, failures: 0, durationSeconds: 60)
        #expect(abs(model.latencyTerm(a, peerLatencySeconds: nil) - 0.5) < 1e-12)
        for unusable in [-1, .nan, .infinity] as [Double] {
            #expect(model.latencyTerm(a, peerLatencySeconds: unusable) == model.latencyTerm(a, peerLatencySeconds: nil))
        }
    }

    @Test func sameAbsoluteLatency_scoresByHowPeersDo() {
        // Two seconds is fast for a research agent and slow for a formatter.
        let a = performanceHistory(successes: 80, failures: 0, durationSeconds: 2)
        #expect(model.score(a, peerLatencySeconds: 20) > model.score(a, peerLatencySeconds: 0.2))
    }

    @Test func latencyPrior_keepsOneFastCallNearOneHalf_untilEvidenceGrows() {
        let once = performanceHistory(successes: 1, failures: 0, durationSeconds: 0.01)
        let often = performanceHistory(successes: 100, failures: 0, durationSeconds: 0.01)
        #expect(model.latencyTerm(once, peerLatencySeconds: 1) < 0.6)
        #expect(model.latencyTerm(often, peerLatencySeconds: 1) > 0.9)
    }

    @Test func quality_movesTheScore_byItsWeight() {
        let good = performanceHistory(Array(repeating: true, count: 100), quality: 0.9)
        let poor = performanceHistory(Array(repeating: true, count: 100), quality: 0.3)
        let gap = model.score(good, peerLatencySeconds: 1) - model.score(poor, peerLatencySeconds: 1)
        #expect(gap > 0)
        #expect(abs(gap - 0.2 * (model.quality(good) - model.quality(poor))) < 1e-12)
    }

    @Test func ungradedCall_leavesQualityUnchanged() {
        let graded = performanceHistory(Array(repeating: true, count: 20), quality: 0.9)
        let later = model.updated(graded, success: true, durationSeconds: 1, quality: nil)
        #expect(model.quality(later) == model.quality(graded))
        #expect(model.quality(PerformanceAggregate()) == 0.5)
    }
}
