import KaiJSON

/// Replaces the values of the operator's secrets with their placeholders
/// (`<secret from OPENAI_API_KEY>`) in what a plugin hands back: results,
/// error details, log lines and events. Kai prints, stores and passes these
/// on (results reach models), and a plugin may echo the key it was given, so
/// everything that enters Kai from a plugin goes through here first.
///
/// Each value is also matched as it appears inside a JSON string (escaped),
/// so a result that quotes a key with `"` or `\` in it is caught too. The
/// placeholder contains neither, so a scrubbed JSON result stays JSON.
public struct SecretScrubber: Sendable {
    private struct Rule: Sendable {
        let value: [UInt8]
        let placeholder: [UInt8]
    }

    /// Longest first, so a secret that contains another is replaced whole.
    private let rules: [Rule]

    public init(_ secrets: [PluginSettings.Secret]) {
        var rules: [Rule] = []
        for secret in secrets where !secret.value.isEmpty {
            let placeholder = Array(secret.redacted.utf8)
            rules.append(Rule(value: Array(secret.value.utf8), placeholder: placeholder))
            let escaped = Array(JSONValue.string(secret.value).serializedBytes().dropFirst().dropLast())
            if escaped != Array(secret.value.utf8) { rules.append(Rule(value: escaped, placeholder: placeholder)) }
        }
        self.rules = rules.sorted { $0.value.count > $1.value.count }
    }

    /// Every plugin's secrets: a plugin must not pass on another's either.
    init(plugins: [LoadedPlugin]) {
        self.init(plugins.flatMap { $0.settings.secrets.values })
    }

    public var isEmpty: Bool { rules.isEmpty }

    public func scrub(_ bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        for rule in rules { result = Self.replace(rule.value, with: rule.placeholder, in: result) }
        return result
    }

    public func scrub(_ text: String) -> String {
        guard !rules.isEmpty else { return text }
        return String(decoding: scrub(Array(text.utf8)), as: UTF8.self)
    }

    private static func replace(_ needle: [UInt8], with replacement: [UInt8], in haystack: [UInt8]) -> [UInt8] {
        guard needle.count <= haystack.count, let first = needle.first else { return haystack }
        var output: [UInt8] = []
        var index = 0, copied = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<index + needle.count].elementsEqual(needle) {
                if output.isEmpty { output.reserveCapacity(haystack.count) }
                output.append(contentsOf: haystack[copied..<index])
                output.append(contentsOf: replacement)
                index += needle.count
                copied = index
            } else {
                index += 1
            }
        }
        guard copied > 0 else { return haystack }
        output.append(contentsOf: haystack[copied...])
        return output
    }
}

extension SecretScrubber {
    /// The event with every text it carries scrubbed.
    public func scrub(_ event: ToolEvent) -> ToolEvent {
        switch event {
        case .progress(let progress, let total, let message):
            .progress(progress: progress, total: total, message: scrub(message))
        case .usage:
            event
        case .textDelta(let text):
            .textDelta(scrub(text))
        case .toolCallDelta(let index, let id, let name, let arguments):
            .toolCallDelta(index: index, id: scrub(id), name: scrub(name), arguments: scrub(arguments))
        }
    }
}
