import KaiJSON

/// One plugin the operator wants loaded, with its configuration.
public struct PluginSource: Sendable, Equatable {
    /// Absolute path of the .so file.
    public var path: String
    /// The operator's configuration for the plugin ({} when none).
    public var config: JSONValue

    public init(path: String, config: JSONValue = .object([:])) {
        self.path = path
        self.config = config
    }
}

/// Where the host learns which plugins to load. This is the seam between the
/// host core and whoever decides: a search path today, the registry's
/// operator config tomorrow. The host core knows nothing else about either.
public protocol PluginCatalog: Sendable {
    /// The plugins to load, in priority order: when two share an id, the
    /// first wins and the second is reported.
    func pluginSources() -> [PluginSource]
}
