import KaiRegistry
import Testing

/// Success only ever helps and failure only ever hurts, and no input, however
/// broken, leaves 0...1. Randomized with fixed seeds, so never flaky.
struct ScoreMonotonicityTests {
    let model = ScoreModel.standard

    @Test(arguments: [1, 2, 3] as [UInt64])
    func success_neverScoresBelowFailure_otherThingsEqual(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let a = randomHistory(&rng)
            let duration = Double.random(in: 0...30, using: &rng)
            let grade: Double? = Bool.random(using: &rng) ? Double.random(in: 0...1, using: &rng) : nil
            let peer: Double? = Bool.random(using: &rng) ? Double.random(in: 0...30, using: &rng) : nil
            let won = model.updated(a, success: true, durationSeconds: duration, quality: grade)
            let lost = model.updated(a, success: false, durationSeconds: duration, quality: grade)
            #expect(model.score(won, peerLatencySeconds: peer) > model.score(lost, peerLatencySeconds: peer))
        }
    }

    @Test(arguments: [4, 5, 6] as [UInt64])
    func flippingAnyPastFailureToSuccess_neverLowersTheScore(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<200 {
            var outcomes = (0..<Int.random(in: 1...300, using: &rng)).map { _ in Bool.random(using: &rng) }
            let before = model.score(performanceHistory(outcomes), peerLatencySeconds: 1)
            guard let i = outcomes.indices.filter({ !outcomes[$0] }).randomElement(using: &rng) else { continue }
            outcomes[i] = true
            #expect(model.score(performanceHistory(outcomes), peerLatencySeconds: 1) > before)
        }
    }

    @Test(arguments: [7, 8] as [UInt64])
    func nextSuccess_neverLowersSuccessRate_andNextFailure_neverRaisesIt(seed: UInt64) {
        // Holds exactly because decayed weight never exceeds its steady state
        // 1/(1-γ); 1e-12 absorbs rounding at that steady state.
        var rng = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let a = randomHistory(&rng)
            let rate = model.successRate(a)
            #expect(model.successRate(model.updated(a, success: true, durationSeconds: 1, quality: nil)) >= rate - 1e-12)
            #expect(model.successRate(model.updated(a, success: false, durationSeconds: 1, quality: nil)) <= rate + 1e-12)
        }
    }

    @Test func score_staysInUnitInterval_overRandomizedSweep() {
        var rng = SplitMix64(seed: 42)
        let awkward: [Double] = [0, -0.0, -1, .nan, .infinity, -.infinity, 1e-300, 1e300, .greatestFiniteMagnitude]
        func anyValue() -> Double {
            Bool.random(using: &rng) ? awkward.randomElement(using: &rng)! : Double.random(in: -1e6...1e6, using: &rng)
        }
        for _ in 0..<20_000 {
            // Arbitrary, even corrupt, columns as a damaged store might return.
            let corrupt = PerformanceAggregate(
                weight: anyValue(), successWeight: anyValue(), durationWeight: anyValue(),
                qualityWeight: anyValue(), qualityCount: anyValue(), calls: Int.random(in: 0...10, using: &rng))
            let updated = model.updated(
                randomHistory(&rng), success: Bool.random(using: &rng),
                durationSeconds: anyValue(), quality: Bool.random(using: &rng) ? anyValue() : nil)
            for a in [corrupt, updated] {
                let score = model.score(a, peerLatencySeconds: Bool.random(using: &rng) ? anyValue() : nil)
                #expect((0...1).contains(score), "score \(score) for \(a)")
            }
        }
    }

    private func randomHistory(_ rng: inout SplitMix64) -> PerformanceAggregate {
        let successRate = Double.random(in: 0...1, using: &rng)
        var a = PerformanceAggregate()
        for _ in 0..<Int.random(in: 0...400, using: &rng) {
            a = model.updated(
                a, success: Double.random(in: 0...1, using: &rng) < successRate,
                durationSeconds: Double.random(in: 0...20, using: &rng),
                quality: Bool.random(using: &rng) ? Double.random(in: 0...1, using: &rng) : nil)
        }
        return a
    }
}
