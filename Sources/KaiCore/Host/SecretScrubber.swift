import KaiJSON

/// Replaces the values of the operator's secrets with their placeholders
/// (`<secret from OPENAI_API_KEY>`) in what a plugin hands back: results,
/// error details, log lines and events. Kai prints, stores and passes these
/// on (results reach models), and a plugin may echo the key it was given, so
/// everything that enters Kai from a plugin goes through here first.
///
/// Text (`scrub(_:)`) is matched byte for byte, each value also as it
/// appears escaped inside a JSON string. JSON (`scrubJSON(_:)`) is matched
/// by value: strings and keys are decoded first, so no escaping (`\/`,
/// `\u0073`) can hide a value, and numbers and structure are never touched,
/// so a short value such as "8080" cannot turn `{"port":8080}` into
/// something that is not JSON. Text that arrives in pieces (events, a
/// worker's output) goes through a `Stream`, so a value split across two
/// pieces is caught too.
public struct SecretScrubber: Sendable {
    struct Rule: Sendable {
        let value: [UInt8]
        let placeholder: [UInt8]
    }

    /// Values shorter than this also occur by chance (a port, a year, a
    /// word), so they cannot be told apart from ordinary text: kai still
    /// replaces them, but the CLI warns the operator.
    public static let reliableLength = 8

    /// For text: each value raw and JSON-escaped. Longest first, so a
    /// secret that contains another is replaced whole.
    let rules: [Rule]
    /// For decoded JSON strings: each value raw. Longest first.
    private let valueRules: [Rule]

    public init(_ secrets: [PluginSettings.Secret]) {
        var rules: [Rule] = [], valueRules: [Rule] = []
        for secret in secrets where !secret.value.isEmpty {
            let placeholder = Array(secret.redacted.utf8)
            let raw = Rule(value: Array(secret.value.utf8), placeholder: placeholder)
            rules.append(raw)
            valueRules.append(raw)
            let escaped = Array(JSONValue.string(secret.value).serializedBytes().dropFirst().dropLast())
            if escaped != raw.value { rules.append(Rule(value: escaped, placeholder: placeholder)) }
        }
        self.rules = rules.sorted { $0.value.count > $1.value.count }
        self.valueRules = valueRules.sorted { $0.value.count > $1.value.count }
    }

    /// Every plugin's secrets: a plugin must not pass on another's either.
    init(plugins: [LoadedPlugin]) {
        self.init(plugins.flatMap { $0.settings.secrets.values })
    }

    public var isEmpty: Bool { rules.isEmpty }

    /// Text with every secret value (raw or JSON-escaped) replaced.
    public func scrub(_ bytes: [UInt8]) -> [UInt8] {
        guard !rules.isEmpty else { return bytes }
        let found = Self.matches(of: rules, in: bytes[...])
        guard !found.isEmpty else { return bytes }
        return Self.render(bytes[...], from: 0, found)
    }

    public func scrub(_ text: String) -> String {
        guard !rules.isEmpty else { return text }
        return String(decoding: scrub(Array(text.utf8)), as: UTF8.self)
    }

    /// A JSON text with every secret value replaced inside its strings and
    /// keys; still JSON. Unchanged bytes when nothing matched. Bytes that
    /// are not JSON are scrubbed as text (they are refused anyway).
    public func scrubJSON(_ bytes: [UInt8]) -> [UInt8] {
        guard !rules.isEmpty else { return bytes }
        // Fast path: without a backslash every string's bytes appear raw, so
        // no raw match means no string holds a value.
        if !bytes.contains(UInt8(ascii: "\\")), Self.matches(of: valueRules, in: bytes[...]).isEmpty { return bytes }
        guard let value = try? JSONParser.parse(bytes) else { return scrub(bytes) }
        var changed = false
        let scrubbed = scrub(value, changed: &changed)
        return changed ? scrubbed.serializedBytes() : bytes
    }

    /// The value with secrets replaced in every string and key.
    public func scrub(_ value: JSONValue) -> JSONValue {
        var changed = false
        return scrub(value, changed: &changed)
    }

    private func scrub(_ value: JSONValue, changed: inout Bool) -> JSONValue {
        switch value {
        case .null, .bool:
            return value
        case .integer, .number:
            // A long numeric secret (an account id) echoed as a number: the
            // number becomes the placeholder string. Short ones are left
            // alone — they occur by chance (kai warns about them).
            let text = value.serializedBytes()
            guard text.count >= Self.reliableLength, let rule = valueRules.first(where: { $0.value == text }) else { return value }
            changed = true
            return .string(String(decoding: rule.placeholder, as: UTF8.self))
        case .string(let text):
            return .string(scrubString(text, changed: &changed))
        case .array(let items):
            return .array(items.map { scrub($0, changed: &changed) })
        case .object(let object):
            return .object(JSONObject(object.map { key, member in
                (scrubString(key, changed: &changed), scrub(member, changed: &changed))
            }))
        }
    }

    private func scrubString(_ text: String, changed: inout Bool) -> String {
        let bytes = Array(text.utf8)
        let found = Self.matches(of: valueRules, in: bytes[...])
        guard !found.isEmpty else { return text }
        changed = true
        return String(decoding: Self.render(bytes[...], from: 0, found), as: UTF8.self)
    }
}

extension SecretScrubber {
    /// A secret value found in a text: where, and what replaces it.
    struct Match {
        let start: Int
        let end: Int
        let placeholder: [UInt8]
    }

    /// Non-overlapping matches, left to right; at each position the longest
    /// value wins. Offsets are relative to `bytes.startIndex`.
    static func matches(of rules: [Rule], in bytes: ArraySlice<UInt8>) -> [Match] {
        guard let shortest = rules.last?.value.count, bytes.count >= shortest else { return [] }
        var found: [Match] = []
        let base = bytes.startIndex
        var index = base
        let last = bytes.endIndex - shortest
        outer: while index <= last {
            let byte = bytes[index]
            for rule in rules where rule.value[0] == byte && index + rule.value.count <= bytes.endIndex {
                if bytes[index..<index + rule.value.count].elementsEqual(rule.value) {
                    found.append(Match(start: index - base, end: index - base + rule.value.count, placeholder: rule.placeholder))
                    index += rule.value.count
                    continue outer
                }
            }
            index += 1
        }
        return found
    }

    /// `piece` (which starts at `offset` of the text `found` refers to)
    /// with each match that starts in it replaced by its placeholder, and
    /// the bytes of matches that started earlier dropped.
    static func render(_ piece: ArraySlice<UInt8>, from offset: Int, _ found: [Match]) -> [UInt8] {
        func at(_ position: Int) -> Int { piece.startIndex + (position - offset) }
        var output: [UInt8] = []
        output.reserveCapacity(piece.count)
        var position = offset
        let end = offset + piece.count
        for match in found where match.end > offset && match.start < end {
            if match.start >= offset {
                output.append(contentsOf: piece[at(position)..<at(match.start)])
                output.append(contentsOf: match.placeholder)
            }
            position = min(match.end, end)
        }
        output.append(contentsOf: piece[at(position)...])
        return output
    }
}
