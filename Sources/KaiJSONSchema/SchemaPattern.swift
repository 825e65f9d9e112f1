import Foundation

/// A `pattern` or `patternProperties` regex, compiled once at schema load.
///
/// Uses ICU via `NSRegularExpression` (close to ECMA-262 for the patterns
/// schemas use); Swift's `Regex` is not `Sendable`, which a schema shared
/// across plugin workers must be. Matching is an unanchored search, as the
/// spec requires.
struct SchemaPattern: Sendable {
    let source: String
    private let regex: NSRegularExpression

    /// Returns `nil` if `source` is not a valid regular expression.
    init?(_ source: String) {
        guard let regex = try? NSRegularExpression(pattern: source) else { return nil }
        self.source = source
        self.regex = regex
    }

    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) != nil
    }
}
