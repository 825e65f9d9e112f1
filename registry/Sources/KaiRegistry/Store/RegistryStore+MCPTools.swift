import Foundation
import GRDB
import KaiJSON

extension RegistryStore {
    /// The cached tool list (MCP tool descriptors) of MCP server `id`,
    /// when one was saved for the same endpoint; nil otherwise.
    public func cachedMCPTools(server id: String, endpoint: String) -> [JSONValue]? {
        var tools: [JSONValue]?
        reporting("read the MCP tool cache") {
            let row = try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT endpoint, tools FROM mcp_tools WHERE server_id = ?", arguments: [id])
            }
            guard let row, row["endpoint"] as String == endpoint, let text: String = row["tools"],
                  case .array(let list)? = try? JSONParser.parse(text) else { return }
            tools = list
        }
        return tools
    }

    /// Replaces the cached tool list of MCP server `id`.
    public func saveMCPTools(server id: String, endpoint: String, tools: [JSONValue]) {
        let text = JSONValue.array(tools).serialized()
        reporting("save the MCP tool cache") {
            try pool.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO mcp_tools (server_id, endpoint, tools, listed_at) VALUES (?, ?, ?, ?)",
                    arguments: [id, endpoint, text, Date().timeIntervalSince1970])
            }
        }
    }

    /// Drops a server's cached list (one Kai would not take whole), so the
    /// next command lists the server again.
    public func forgetMCPTools(server id: String) {
        reporting("forget the MCP tool cache") {
            try pool.write { db in
                try db.execute(sql: "DELETE FROM mcp_tools WHERE server_id = ?", arguments: [id])
            }
        }
    }
}
