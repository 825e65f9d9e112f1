import KaiJSON

/// How a plugin runs: inside the host process, in a supervised worker
/// process, or in a worker inside namespaces of its own (read-only root, no
/// network unless the manifest asks) — see KaiCore's PluginIsolation.
public enum Isolation: String, Sendable, CaseIterable {
    case inprocess
    case process
    case sandbox
}

/// The operator's override of a plugin's status in the registry.
public enum PluginStatusOverride: String, Sendable, CaseIterable {
    case active
    case inactive
    case maintenance
    case deprecated
}

/// One item of the config's `plugins:` list.
///
/// An entry with a `path` says where to load plugins from (a `.so` file, or a
/// directory whose files matching `pattern` are loaded); an entry with an `id`
/// carries settings for the plugin whose manifest has that id, wherever it was
/// found. An entry may have both, in which case the id must match the manifest.
public struct PluginEntry: Sendable, Equatable {
    /// Absolute path (`~` and relative paths are resolved when loading).
    public var path: String?
    /// Glob for file names when `path` is a directory; `nil` means `*.so`.
    public var pattern: String?
    public var id: String?
    public var enabled: Bool
    public var isolation: Isolation
    /// Whether the entry says `isolation:` itself; a long-running host picks
    /// its own default only when it does not (KaiCore's IsolationPolicy).
    public var isolationIsExplicit = false
    public var status: PluginStatusOverride?
    /// Settings for the plugin, validated later against its config schema.
    public var config: JSONValue
    /// Config key → name of the environment variable holding its value.
    public var secrets: [String: String]

    /// Where the entry starts.
    public var position: SourcePosition
    /// Where each key of the entry, and each member or element under `config`
    /// and `secrets`, is written; keyed by path from the entry
    /// (`["config", "limits", "0"]`; array indices as decimal strings).
    var positions: [[String]: SourcePosition]

    public init(
        path: String? = nil, pattern: String? = nil, id: String? = nil, enabled: Bool = true,
        isolation: Isolation = .inprocess, status: PluginStatusOverride? = nil,
        config: JSONValue = .object([:]), secrets: [String: String] = [:],
        position: SourcePosition = SourcePosition(line: 0, column: 0)
    ) {
        self.path = path
        self.pattern = pattern
        self.id = id
        self.enabled = enabled
        self.isolation = isolation
        self.status = status
        self.config = config
        self.secrets = secrets
        self.position = position
        self.positions = [:]
    }

    /// The line the entry starts on.
    public var line: Int { position.line }

    /// The line of the `config:` key, or `nil` when the entry has none.
    public var configLine: Int? { positions[["config"]]?.line }

    /// Where a key of this entry (`"enabled"`, `"secrets"`, …) is written.
    public func position(ofKey key: String) -> SourcePosition? { positions[[key]] }

    /// The line of the member or element at `path` inside `config`
    /// (`["max_input_bytes"]`, `["limits", "0"]`), or `nil` if not written.
    public func line(ofConfigPath path: [String]) -> Int? {
        positions[["config"] + path]?.line
    }

    /// Where to report a problem with the config value at `path`: the deepest
    /// written ancestor of `path`, else the `config:` key, else the entry.
    /// Suits schema violations, whose path may name a member that is missing.
    public func position(nearestConfigPath path: [String]) -> SourcePosition {
        var path = path
        while true {
            if let found = positions[["config"] + path] { return found }
            if path.isEmpty { return position }
            path.removeLast()
        }
    }

    /// Where the secret for config key `key` is named.
    public func position(ofSecret key: String) -> SourcePosition? { positions[["secrets", key]] }
}
