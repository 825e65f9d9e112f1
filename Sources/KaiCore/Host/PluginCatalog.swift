import KaiJSON

/// How the operator wants one plugin to run.
public struct PluginSettings: Sendable, Equatable {
    /// A disabled plugin is not loaded at all.
    public var enabled: Bool
    public var status: PluginStatus
    /// The plugin's configuration, validated against its configSchema.
    public var config: JSONValue
    /// Config keys whose values come from the environment. Merged into the
    /// config handed to create() only; validation and error text see the
    /// redacted form, so a value never appears in a message.
    public var secrets: [String: Secret]
    /// Set when the settings cannot be used (e.g. a secret's environment
    /// variable is unset): create() is not called and calls fail with this.
    public var problem: String?
    /// In the host process, or in a supervised worker process.
    public var isolation: PluginIsolation
    /// True when the operator's config set `isolation` for this plugin;
    /// otherwise the host's IsolationPolicy picks it.
    public var isolationIsExplicit = false
    /// Limits and supervision of the worker (isolation: process only).
    public var worker: WorkerPolicy

    public struct Secret: Sendable, Equatable {
        public let value: String
        public let redacted: String

        public init(value: String, redacted: String) {
            self.value = value
            self.redacted = redacted
        }
    }

    public init(enabled: Bool = true, status: PluginStatus = .active, config: JSONValue = .object([:]),
                secrets: [String: Secret] = [:], problem: String? = nil,
                isolation: PluginIsolation = .inprocess, worker: WorkerPolicy = WorkerPolicy()) {
        self.problem = problem
        self.isolation = isolation
        self.worker = worker
        self.enabled = enabled
        self.status = status
        self.config = config
        self.secrets = secrets
    }
}

/// The operator's word on whether a plugin takes calls.
public enum PluginStatus: String, Sendable, CaseIterable {
    /// Takes calls.
    case active
    /// Loaded and listed, but refuses calls.
    case inactive
    /// Temporarily refuses calls (e.g. its backend is down for maintenance).
    case maintenance
    /// Takes calls, with a warning that it is going away.
    case deprecated

    public var takesCalls: Bool { self == .active || self == .deprecated }
}

/// One plugin file the catalog wants loaded.
public struct PluginSource: Sendable, Equatable {
    /// Absolute path of the .so file.
    public var path: String
    /// When set, the manifest's id must equal it.
    public var expectedID: String?
    /// Settings known before the manifest is read; nil means "ask the
    /// catalog by id" (see PluginCatalog.settings(forPluginID:path:)).
    public var settings: PluginSettings?
    /// A manifest the host made for this source (e.g. native functions
    /// served by a bridge plugin whose own describe() knows nothing of
    /// them): when set, the file is not scanned, the scan cache is not
    /// consulted, and the manifest's tools are what the plugin offers —
    /// in-process and in a worker alike (a worker never checks names
    /// against describe()). Several sources may then share one path.
    public var manifest: PluginManifest?
    /// What serves the entry's calls instead of a library (an MCP server):
    /// set with `manifest`; the path is then only the entry's name in
    /// messages (e.g. "mcp:time") and no file is opened.
    public var backend: (any ToolBackend)?

    public init(path: String, expectedID: String? = nil, settings: PluginSettings? = nil, manifest: PluginManifest? = nil) {
        self.path = path
        self.expectedID = expectedID
        self.settings = settings
        self.manifest = manifest
    }

    /// An entry served by `backend`, with the tools of `manifest`.
    public init(name: String, manifest: PluginManifest, settings: PluginSettings, backend: any ToolBackend) {
        self.init(path: name, expectedID: manifest.id, settings: settings, manifest: manifest)
        self.backend = backend
    }

    public static func == (lhs: PluginSource, rhs: PluginSource) -> Bool {
        lhs.path == rhs.path && lhs.expectedID == rhs.expectedID && lhs.settings == rhs.settings
            && lhs.manifest == rhs.manifest && lhs.backend === rhs.backend
    }

    public init(path: String, config: JSONValue) {
        self.init(path: path, settings: PluginSettings(config: config))
    }
}

/// Where the host learns which plugins to load. This is the seam between the
/// host core and whoever decides: a search path, or the registry's operator
/// config. The host core knows nothing else about either.
public protocol PluginCatalog: Sendable {
    /// The plugin files to load, in priority order: when two share an id, the
    /// first wins and the second is reported.
    func pluginSources() -> [PluginSource]

    /// Settings for a plugin once its manifest is known (for sources without
    /// settings of their own, e.g. files found by scanning a directory). The
    /// manifest lets a catalog check its config against the configSchema and
    /// report problems where the operator wrote them.
    func settings(for manifest: PluginManifest, path: String) -> PluginSettings

    /// The isolation a file's code must keep while its manifest is read,
    /// before its id is known: `.sandbox` makes the host scan it in the
    /// sandboxed helper. When unsure (settings chosen by id), say `.sandbox`.
    func scanIsolation(path: String) -> PluginIsolation
}

extension PluginCatalog {
    public func scanIsolation(path: String) -> PluginIsolation { .inprocess }

    public func settings(for manifest: PluginManifest, path: String) -> PluginSettings {
        PluginSettings()
    }
}
