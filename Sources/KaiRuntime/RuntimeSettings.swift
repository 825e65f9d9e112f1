import KaiCore

/// What a runtime is opened from: the CLI fills this from --config,
/// --database, --plugin-path and --no-bundled-plugins. KAI_CONFIG and
/// KAI_PLUGIN_PATH come from the environment given to `KaiRuntime.open`.
public struct RuntimeSettings: Sendable {
    /// The operator config file (default: KAI_CONFIG, then
    /// $XDG_CONFIG_HOME/kai/kai.yaml, created on first use).
    public var configFile: String?
    /// The registry database (default: the config's database).
    public var databaseFile: String?
    /// Extra plugin files or directories, each maybe colon-separated.
    public var pluginPaths: [String]
    /// Whether plugins in `bundledDirectory` load.
    public var loadsBundledPlugins: Bool
    /// The isolation of plugins whose config entry does not choose one:
    /// `.longRunning` for hosts that stay up (kai mcp serve), see IsolationPolicy.
    public var isolation: IsolationPolicy = .command
    /// Where the bundled plugins are: the default config written on first
    /// use enables them. Default: the running executable's directory.
    public var bundledDirectory: String?
    /// Whether plugins that could not load, unusable plugin settings and
    /// secrets too short to scrub are reported as warnings.
    public var reportsLoadProblems: Bool
    /// Feature modules' entries served by backends (KaiMCP's MCPToolImporter
    /// for the config's mcp_servers); none by default.
    public var importers: [any ImportedToolSource] = []

    public init(
        configFile: String? = nil, databaseFile: String? = nil, pluginPaths: [String] = [],
        loadsBundledPlugins: Bool = true, bundledDirectory: String? = SearchPathCatalog.executableDirectory(),
        reportsLoadProblems: Bool = true
    ) {
        self.configFile = configFile
        self.databaseFile = databaseFile
        self.pluginPaths = pluginPaths
        self.loadsBundledPlugins = loadsBundledPlugins
        self.bundledDirectory = bundledDirectory
        self.reportsLoadProblems = reportsLoadProblems
    }
}
