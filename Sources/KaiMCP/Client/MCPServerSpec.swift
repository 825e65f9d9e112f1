import Foundation
import KaiCore

/// How to reach one MCP server the operator imported (an `mcp_servers:`
/// entry, secrets resolved), and how to supervise it.
public struct MCPServerSpec: Sendable {
    public enum Transport: Sendable {
        /// A child process speaking newline-delimited JSON-RPC on stdin and
        /// stdout; `environment` is all it gets (MCPToolImporter builds it:
        /// the worker allow-list of Kai's environment plus the entry's own).
        case stdio(command: String, arguments: [String], environment: [String: String])
        /// Streamable HTTP at `url`, with `Authorization: Bearer token` when set.
        case http(url: URL, token: String?)
    }

    /// The entry's id: its tools are listed as "<id>.<tool>".
    public let id: String
    public let transport: Transport
    /// Restarts, backoff and disabling, as for a plugin's worker.
    public let policy: WorkerPolicy
    /// Seconds a call may take when its caller gives no deadline.
    public let callTimeout: Double

    public init(id: String, transport: Transport, policy: WorkerPolicy = WorkerPolicy(), callTimeout: Double = 60) {
        self.id = id
        self.transport = transport
        self.policy = policy
        self.callTimeout = callTimeout
    }

    /// "stdio" or "http", for the isolation column.
    var transportName: String {
        switch transport {
        case .stdio: "mcp stdio"
        case .http: "mcp http"
        }
    }
}
