import Foundation
import KaiRegistry
import Testing

/// The aggregate is the store's row: it must round-trip, keep its column
/// names, and stay a fixed handful of numbers so recording a call is O(1).
struct ScoreAggregateTests {
    @Test func aggregate_survivesCodableRoundTrip_bitForBit() throws {
        var a = PerformanceAggregate()
        for i in 0..<137 {
            a = ScoreModel.standard.updated(a, success: i % 3 != 0, durationSeconds: 0.1 * Double(i), quality: i % 2 == 0 ? 0.7 : nil)
        }
        let decoded = try JSONDecoder().decode(PerformanceAggregate.self, from: JSONEncoder().encode(a))
        #expect(decoded == a)
        #expect(ScoreModel.standard.score(decoded, peerLatencySeconds: 3).bitPattern
            == ScoreModel.standard.score(a, peerLatencySeconds: 3).bitPattern)
    }

    @Test func aggregate_encodesExactlyTheStoreColumns() throws {
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(PerformanceAggregate())) as? [String: Any]
        #expect(json.map { Set($0.keys) } == ["weight", "successWeight", "durationWeight", "qualityWeight", "qualityCount", "calls"])
    }

    @Test func aggregate_isSixPlainNumbers_soUpdatesAreConstantTime() {
        // No arrays, strings or references can hide in a POD type of this
        // size, so `updated` cannot grow with the number of calls.
        #expect(_isPOD(PerformanceAggregate.self))
        #expect(MemoryLayout<PerformanceAggregate>.size == 5 * MemoryLayout<Double>.size + MemoryLayout<Int>.size)
        let fieldTypes = Mirror(reflecting: PerformanceAggregate()).children.map { "\(type(of: $0.value))" }
        #expect(fieldTypes == ["Double", "Double", "Double", "Double", "Double", "Int"])
    }

    @Test func updated_afterAMillionCalls_staysBounded() {
        // Decayed sums converge to 1/(1-γ) calls however long the history.
        var a = PerformanceAggregate()
        for _ in 0..<1_000_000 { a = ScoreModel.standard.updated(a, success: true, durationSeconds: 2, quality: 1) }
        let steady = 1 / (1 - ScoreModel.standard.decay)
        #expect(a.calls == 1_000_000)
        #expect(abs(a.weight - steady) < 1e-6)
        #expect(abs(a.durationWeight - 2 * steady) < 1e-6)
        #expect(abs(steady - 72.6359) < 1e-4)
    }

    @Test func updated_atMaxCalls_saturatesInsteadOfTrapping() {
        var a = PerformanceAggregate()
        a.calls = .max
        #expect(ScoreModel.standard.updated(a, success: true, durationSeconds: 1, quality: nil).calls == .max)
    }

    @Test func peerLatency_isCallWeightedMeanOfProvidersWithCalls() {
        let model = ScoreModel.standard
        let fast = performanceHistory(successes: 30, failures: 0, durationSeconds: 1)
        let slow = performanceHistory(successes: 10, failures: 0, durationSeconds: 5)
        let expected = (fast.durationWeight + slow.durationWeight) / (fast.weight + slow.weight)
        #expect(model.peerLatency(of: [fast, slow, PerformanceAggregate()]) == expected)
        #expect(model.peerLatency(of: [PerformanceAggregate()]) == nil)
        #expect(model.peerLatency(of: []) == nil)
    }
}

// Shared by the Score*Tests files.

/// Folds `outcomes` into a fresh aggregate, every call with the same
/// duration and grade.
func performanceHistory(
    _ outcomes: some Sequence<Bool>, durationSeconds: Double = 1, quality: Double? = nil,
    model: ScoreModel = .standard
) -> PerformanceAggregate {
    outcomes.reduce(PerformanceAggregate()) {
        model.updated($0, success: $1, durationSeconds: durationSeconds, quality: quality)
    }
}

/// `successes` successes, then `failures` failures.
func performanceHistory(successes: Int, failures: Int, durationSeconds: Double = 1, model: ScoreModel = .standard) -> PerformanceAggregate {
    performanceHistory(Array(repeating: true, count: successes) + Array(repeating: false, count: failures),
              durationSeconds: durationSeconds, model: model)
}

/// SplitMix64: a seeded generator, so randomized sweeps are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
