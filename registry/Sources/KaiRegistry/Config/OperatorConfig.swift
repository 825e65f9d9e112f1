import KaiJSON
import KaiNative
/// The operator's choices, read from `kai.yaml`: which plugins run, how, and
/// with what settings. Holds environment variable names, never secret values.
public struct OperatorConfig: Sendable, Equatable {
    /// The config file this was read from, as given.
    public var file: String
    /// The registry database; `nil` means the default (see `databasePath(environment:)`).
    public var databasePath: String?
    /// `database_password_env`: the environment variable (or `kai keys`
    /// name) holding a PostgreSQL registry's password; nil means
    /// `KAI_REGISTRY_PASSWORD`.
    public var databasePasswordVariable: String?
    /// Whether the call log stores call arguments and results.
    public var payloadLogging: Bool
    public var entries: [PluginEntry]
    /// The `sandbox:` section (e.g. its language table), as JSON; nil when absent.
    public var sandbox: JSONValue?
    /// Where the `sandbox:` section starts, for error messages.
    public var sandboxPosition: SourcePosition?
    /// The `router:` section; the default (only `local`) when absent.
    public var router = RouterConfig()
    /// The `approvals:` section; empty (annotations decide) when absent.
    public var approvals = ApprovalsConfig()
    /// The `native_tools:` section: C functions in shared libraries, as tools.
    public var nativeTools: [NativeToolsEntry] = []
    /// The `mcp_servers:` list: MCP servers whose tools Kai imports.
    public var mcpServers: [MCPServerEntry] = []

    public init(file: String, databasePath: String? = nil, payloadLogging: Bool = false, entries: [PluginEntry] = []) {
        self.file = file
        self.databasePath = databasePath
        self.payloadLogging = payloadLogging
        self.entries = entries
    }

    /// Entries that say where to load plugins from.
    public var pathEntries: [PluginEntry] { entries.filter { $0.path != nil } }

    /// The entry configuring the plugin with manifest id `id`, if any.
    public func entry(forPluginID id: String) -> PluginEntry? {
        entries.first { $0.id == id }
    }

    /// The configured database path, or the default
    /// `$XDG_DATA_HOME/kai/registry.sqlite` (else `~/.local/share/kai/registry.sqlite`).
    public func databasePath(environment: [String: String]) -> String {
        if let databasePath { return databasePath }
        let dataHome = absoluteVariable("XDG_DATA_HOME", in: environment)
            ?? homeDirectory(environment) + "/.local/share"
        return dataHome + "/kai/registry.sqlite"
    }
}
