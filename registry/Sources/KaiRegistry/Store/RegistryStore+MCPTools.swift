import Foundation
import KaiJSON

extension RegistryStore {
    /// The cached tool list (MCP tool descriptors) of MCP server `id`,
    /// when one was saved for the same endpoint; nil otherwise.
    public func cachedMCPTools(server id: String, endpoint: String) -> [JSONValue]? {
        var tools: [JSONValue]?
        reporting("read the MCP tool cache") {
            let row = try backend.read { db in try db.row("SELECT endpoint, tools FROM mcp_tools WHERE server_id = ?", id) }
            guard let row, try row.get(0, as: String.self) == endpoint, let text = try row.get(1, as: String?.self),
                  case .array(let list)? = try? JSONParser.parse(text) else { return }
            tools = list
        }
        return tools
    }

    /// Replaces the cached tool list of MCP server `id`.
    public func saveMCPTools(server id: String, endpoint: String, tools: [JSONValue]) {
        let text = JSONValue.array(tools).serialized()
        reporting("save the MCP tool cache") {
            try backend.write { db in
                _ = try db.execute(
                    """
                    INSERT INTO mcp_tools (server_id, endpoint, tools, listed_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (server_id) DO UPDATE SET
                        endpoint = excluded.endpoint, tools = excluded.tools, listed_at = excluded.listed_at
                    """, id, endpoint, text, Date().timeIntervalSince1970)
            }
        }
    }

    /// Drops a server's cached list (one Kai would not take whole), so the
    /// next command lists the server again.
    public func forgetMCPTools(server id: String) {
        reporting("forget the MCP tool cache") {
            try backend.write { db in _ = try db.execute("DELETE FROM mcp_tools WHERE server_id = ?", id) }
        }
    }
}
