/// "Did you mean …?" hints for unknown names, by edit distance.
enum NameSuggestion {
    /// " (did you mean 'x'?)" for the closest candidate within a distance
    /// that still looks like a typo, or "" when nothing is close.
    static func hint(for name: String, among candidates: [String], caseInsensitive: Bool = false) -> String {
        guard let best = nearest(to: name, among: candidates, caseInsensitive: caseInsensitive) else { return "" }
        return "; did you mean '\(best)'?"
    }

    static func nearest(to name: String, among candidates: [String], caseInsensitive: Bool = false) -> String? {
        let key = caseInsensitive ? name.lowercased() : name
        let limit = max(1, min(3, key.count / 3))
        var best: (name: String, distance: Int)?
        // Sorted so that ties resolve the same way on every run.
        for candidate in candidates.sorted() {
            let distance = levenshtein(key, caseInsensitive ? candidate.lowercased() : candidate)
            if distance <= limit, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.name
    }

    static func levenshtein(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
