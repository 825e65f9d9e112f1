import KaiRegistry
import Testing

/// Broken measurements are contained: they neither reward nor punish, and
/// the same inputs always give the same score.
struct ScoreEdgeCaseTests {
    let model = ScoreModel.standard

    @Test(arguments: [-1, -0.001, .nan, .infinity, -.infinity] as [Double])
    func invalidDuration_countsTheCall_butLeavesLatencyUnchanged(duration: Double) throws {
        let a = performanceHistory(successes: 10, failures: 0, durationSeconds: 3)
        let next = model.updated(a, success: true, durationSeconds: duration, quality: nil)
        #expect(next.calls == 11)
        #expect(next.weight > a.weight)
        let before = try #require(model.averageLatency(a))
        let after = try #require(model.averageLatency(next))
        #expect(abs(after - before) < 1e-12)
    }

    @Test func invalidDuration_onFirstCall_recordsTheFallbackLatency() {
        let first = model.updated(PerformanceAggregate(), success: true, durationSeconds: .nan, quality: nil)
        #expect(model.averageLatency(first) == 60)
    }

    @Test func zeroDuration_isARealFastMeasurement() {
        let a = performanceHistory(successes: 50, failures: 0, durationSeconds: 0)
        #expect(model.averageLatency(a) == 0)
        #expect(model.latencyTerm(a, peerLatencySeconds: 1) > 0.9)
        #expect(model.score(a, peerLatencySeconds: 0).isFinite)
    }

    @Test func hugeDuration_isCappedAtOneDay() {
        let a = model.updated(PerformanceAggregate(), success: true, durationSeconds: 1e308, quality: nil)
        #expect(model.averageLatency(a) == 86_400)
        let many = (0..<1000).reduce(a) { b, _ in model.updated(b, success: true, durationSeconds: 1e308, quality: nil) }
        #expect(many.durationWeight.isFinite)
    }

    @Test(arguments: [(1.7, 1.0), (-3, 0.0), (0.25, 0.25)] as [(Double, Double)])
    func qualityOutsideUnitInterval_isClamped(given: Double, recorded: Double) {
        let a = model.updated(PerformanceAggregate(), success: true, durationSeconds: 1, quality: given)
        #expect(a.qualityWeight == recorded)
        #expect(a.qualityCount == 1)
    }

    @Test func nanQuality_countsAsUngraded() {
        let a = model.updated(PerformanceAggregate(), success: true, durationSeconds: 1, quality: .nan)
        #expect(a.qualityCount == 0)
        #expect(a.qualityWeight == 0)
    }

    @Test func score_isDeterministic_forEqualInputs() {
        let outcomes = (0..<500).map { $0 % 7 != 0 }
        let first = performanceHistory(outcomes, durationSeconds: 0.3, quality: 0.8)
        let second = performanceHistory(outcomes, durationSeconds: 0.3, quality: 0.8)
        #expect(first == second)
        #expect(model.score(first, peerLatencySeconds: 0.5).bitPattern == model.score(second, peerLatencySeconds: 0.5).bitPattern)
        #expect(ScoreModel() == ScoreModel.standard)
    }

    @Test func defaults_areTheDocumentedOnes() {
        #expect(model.halfLifeCalls == 50)
        #expect(abs(model.decay - 0.986233) < 1e-6)
        #expect(model.successPrior == .init(mean: 0.5, strength: 5))
        #expect(model.qualityPrior == .init(mean: 0.5, strength: 5))
        #expect(model.latencyPrior == .init(mean: 0.5, strength: 5))
        #expect(model.weights == .init(success: 0.5, latency: 0.3, quality: 0.2))
        #expect(model.fallbackLatencySeconds == 60)
        #expect(model.latencyResolutionSeconds == 0.001)
        #expect(model.maxDurationSeconds == 86_400)
    }
}
