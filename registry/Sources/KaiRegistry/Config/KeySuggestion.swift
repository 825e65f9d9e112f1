/// Finds the allowed key an operator probably meant ("enabeld" → "enabled").
enum KeySuggestion {
    /// The closest allowed key within a small edit distance, or `nil`.
    static func closest(to key: String, in allowed: [String]) -> String? {
        let normalized = key.lowercased().replacingOccurrences(of: "-", with: "_")
        let scored = allowed.map { ($0, distance(normalized, $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let limit = max(1, min(2, key.count / 3))
        return best.1 <= limit ? best.0 : nil
    }

    /// Optimal string alignment distance: Levenshtein plus adjacent
    /// transpositions, the most common typing slip.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
