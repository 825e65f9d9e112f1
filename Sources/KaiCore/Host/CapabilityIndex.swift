/// Resolves the names of one kind of capability (tools, providers, agents):
/// bare (`base64`) when exactly one plugin defines it, qualified
/// (`dev.kai.text.base64`) always. Names defined twice are kept and
/// reported, never resolved silently.
public struct CapabilityIndex: Sendable {
    public struct Entry: Sendable {
        public let plugin: LoadedPlugin
        public let capability: Capability
        public var qualifiedName: String { "\(plugin.id).\(capability.name)" }
    }

    public private(set) var entries: [Entry] = []
    private var byName: [String: [Int]] = [:]
    private var byQualifiedName: [String: Int] = [:]

    public let kind: Capability.Kind

    init(plugins: [LoadedPlugin], kind: Capability.Kind) {
        self.kind = kind
        for plugin in plugins {
            for capability in plugin.manifest.capabilities where capability.kind == kind {
                let entry = Entry(plugin: plugin, capability: capability)
                byName[capability.name, default: []].append(entries.count)
                byQualifiedName[entry.qualifiedName] = entries.count
                entries.append(entry)
            }
        }
    }

    /// Tool names that more than one plugin defines, with those plugins' ids.
    public var duplicates: [(name: String, plugins: [String])] {
        byName.filter { $0.value.count > 1 }
            .map { (name: $0.key, plugins: $0.value.map { entries[$0].plugin.id }) }
            .sorted { $0.name < $1.name }
    }

    /// The entry `name` resolves to, or nil (unknown or ambiguous) — without
    /// the typo suggestion a failed `resolve` computes (edit distance to
    /// every name), for callers that only ask whether it resolves: the
    /// router keys every target name this way on every call.
    public func lookup(_ name: String) -> Entry? {
        if let index = byQualifiedName[name] { return entries[index] }
        guard let matches = byName[name], matches.count == 1 else { return nil }
        return entries[matches[0]]
    }

    public func resolve(_ name: String) throws(CallError) -> Entry {
        if let index = byQualifiedName[name] { return entries[index] }
        let matches = byName[name] ?? []
        if matches.count == 1 { return entries[matches[0]] }
        if matches.count > 1 { throw .ambiguousTool(name, plugins: matches.map { entries[$0].plugin.id }) }
        switch kind {
        case .provider: throw .providerNotFound(name, suggestion: suggestion(for: name))
        case .tool, .agent: throw .toolNotFound(name, suggestion: suggestion(for: name))
        }
    }

    /// The closest known name, if it is close enough to be a typo.
    private func suggestion(for name: String) -> String? {
        let candidates = Array(byName.keys) + Array(byQualifiedName.keys)
        let scored = candidates.map { ($0, EditDistance.between($0, name)) }
        guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }) else { return nil }
        return best.1 <= max(2, name.count / 3) ? best.0 : nil
    }
}

/// The tools' index: the name the host core grew up with.
public typealias ToolIndex = CapabilityIndex

/// Levenshtein distance, for "did you mean" hints.
enum EditDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
