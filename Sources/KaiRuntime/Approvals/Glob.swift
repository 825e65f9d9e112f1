/// A glob over text such as file paths, as approval rules write them:
/// `*` matches any run of characters except `/` (within one path segment),
/// `**` any run including `/`, `?` any one character except `/`; everything
/// else matches itself. No escapes and no character classes.
///
/// Fails closed on path traversal: a text with a `..` segment never matches
/// a pattern with a wildcard, so `/tmp/**` cannot be left by `/tmp/../etc`.
public struct Glob: Sendable, Equatable {
    enum Token: Equatable {
        case literal(Character)
        case star
        case doubleStar
        case question
    }

    public let pattern: String
    let tokens: [Token]

    public init(_ pattern: String) {
        self.pattern = pattern
        var tokens: [Token] = []
        var characters = pattern[...]
        while let character = characters.popFirst() {
            switch character {
            case "*" where characters.first == "*":
                characters.removeFirst()
                // A third or later star adds nothing to `**`.
                while characters.first == "*" { characters.removeFirst() }
                tokens.append(.doubleStar)
            case "*": tokens.append(.star)
            case "?": tokens.append(.question)
            default: tokens.append(.literal(character))
            }
        }
        self.tokens = tokens
    }

    /// Whether the whole of `text` matches the whole pattern.
    public func matches(_ text: String) -> Bool {
        let hasWildcard = tokens.contains { if case .literal = $0 { return false } else { return true } }
        if hasWildcard, text.split(separator: "/", omittingEmptySubsequences: false).contains("..") { return false }
        return Self.match(tokens, Array(text))
    }

    /// Dynamic programming over (pattern prefix, text prefix): linear in
    /// each, so no pattern makes matching blow up as backtracking can.
    private static func match(_ tokens: [Token], _ text: [Character]) -> Bool {
        // matched[j]: the pattern so far matches text[0..<j].
        var matched = [Bool](repeating: false, count: text.count + 1)
        matched[0] = true
        for token in tokens {
            var next = [Bool](repeating: false, count: text.count + 1)
            switch token {
            case .literal(let character):
                for j in 0..<text.count where matched[j] && text[j] == character { next[j + 1] = true }
            case .question:
                for j in 0..<text.count where matched[j] && text[j] != "/" { next[j + 1] = true }
            case .star, .doubleStar:
                // Extends any match by characters it may cover.
                for j in 0...text.count {
                    if matched[j] || (j > 0 && next[j - 1] && (token == .doubleStar || text[j - 1] != "/")) { next[j] = true }
                }
            }
            matched = next
        }
        return matched[text.count]
    }
}
