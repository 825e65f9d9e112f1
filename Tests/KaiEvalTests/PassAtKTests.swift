import KaiEval
import Testing

@Suite struct PassAtKTests {
    @Test(arguments: [
        (10, 3, 1, 0.3),
        (10, 3, 5, 1 - 21.0 / 252.0),   // 1 - C(7,5)/C(10,5)
        (10, 0, 5, 0.0),
        (10, 8, 5, 1.0),               // fewer than k failures: some k-subset always passes
        (200, 1, 100, 0.5),
    ])
    func estimate_matchesTheClosedForm(n: Int, c: Int, k: Int, expected: Double) {
        #expect(abs(PassAtK.estimate(samples: n, correct: c, k: k) - expected) < 1e-12)
    }

    @Test func score_isTheMeanOverProblems_andSkipsKsTheCountsDoNotAllow() {
        let scores = PassAtK.score([(samples: 10, correct: 3), (samples: 10, correct: 10), (samples: 12, correct: 0)], ks: [1, 10, 100])
        #expect(abs((scores[1] ?? -1) - (0.3 + 1 + 0) / 3) < 1e-12)
        #expect(abs((scores[10] ?? -1) - (1.0 + 1 + 0) / 3) < 1e-12)
        #expect(scores[100] == nil)
    }
}
