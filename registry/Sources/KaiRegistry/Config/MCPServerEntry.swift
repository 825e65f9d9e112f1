/// One item of the config's `mcp_servers:` list: an MCP server whose tools
/// Kai imports under `id` ("<id>.<tool>"), reached over stdio (a command
/// Kai starts) or Streamable HTTP (a URL).
public struct MCPServerEntry: Sendable, Equatable {
    public enum Transport: Sendable, Equatable {
        /// `command:` with `args:`; the server's environment is Kai's short
        /// allow-list plus `env:` (plain values) and `secrets:` (child
        /// variable → the name of the environment variable holding it).
        case stdio(command: String, arguments: [String], environment: [String: String], secrets: [String: String])
        /// `url:`, with `token_secret:` naming the variable holding the bearer token.
        case http(url: String, tokenSecret: String?)
    }

    public var id: String
    public var transport: Transport
    /// Seconds a call may take when its caller sets no timeout, and the
    /// server may take to start and answer initialize.
    public var timeout: Double
    public var enabled: Bool
    public var position: SourcePosition
    /// Where each key (and each name under `secrets:`) is written.
    var positions: [[String]: SourcePosition] = [:]

    public static let defaultTimeout = 60.0

    public init(id: String, transport: Transport, timeout: Double = MCPServerEntry.defaultTimeout, enabled: Bool = true,
                position: SourcePosition = SourcePosition(line: 0, column: 0)) {
        self.id = id
        self.transport = transport
        self.timeout = timeout
        self.enabled = enabled
        self.position = position
    }

    /// The line the entry starts on.
    public var line: Int { position.line }

    /// The secrets to resolve, as a plugin entry's (SecretResolver reads
    /// those): the bearer token under the key "token".
    public var secretsEntry: PluginEntry {
        var entry = PluginEntry(id: id, position: position)
        switch transport {
        case .stdio(_, _, _, let secrets):
            entry.secrets = secrets
            for name in secrets.keys { entry.positions[["secrets", name]] = positions[["secrets", name]] }
        case .http(_, let token):
            if let token {
                entry.secrets = ["token": token]
                entry.positions[["secrets", "token"]] = positions[["token_secret"]]
            }
        }
        return entry
    }
}
