import KaiCore
import KaiJSON

/// The manifest Kai gives an imported MCP server's entry: one tool
/// capability per MCP tool, with its description, inputSchema,
/// outputSchema and annotations as the server listed them (approvals read
/// the annotations: an unannotated tool asks first, as MCP says it may be
/// destructive and open-world). Each tool is checked on its own, so one
/// bad tool never hides the others: a tool whose name Kai cannot take (more
/// than 64 characters, or other than letters, digits, _ and -), whose name
/// another tool of the list has, or whose schemas Kai refuses is left out
/// and reported with the reason.
public enum MCPToolManifest {
    public struct Skipped: Sendable, Equatable {
        public let name: String
        public let reason: String
    }

    public static func json(id: String, tools: [JSONValue]) -> (manifest: JSONValue, skipped: [Skipped]) {
        var capabilities: [JSONValue] = []
        var skipped: [Skipped] = []
        var seen: Set<String> = []
        for tool in tools {
            guard let name = tool["name"]?.stringValue, isKaiName(name) else {
                skipped.append(Skipped(name: tool["name"]?.stringValue ?? "(no name)",
                                       reason: "Kai's tool names are letters, digits, _ and -, at most 64"))
                continue
            }
            guard case .object(var input)? = tool["inputSchema"] else {
                skipped.append(Skipped(name: name, reason: "it has no inputSchema object"))
                continue
            }
            guard seen.insert(name).inserted else {
                skipped.append(Skipped(name: name, reason: "the server lists two tools of that name"))
                continue
            }
            if input["type"] == nil { input["type"] = .string("object") }
            var capability: JSONObject = [
                "kind": "tool", "name": .string(name), "inputSchema": .object(input), "concurrency": "parallel",
                "streaming": true,
            ]
            let description = tool["description"]?.stringValue ?? tool["title"]?.stringValue ?? ""
            capability["description"] = .string(description.isEmpty ? "\(name) (MCP server \(id))" : description)
            if let title = tool["title"]?.stringValue { capability["title"] = .string(title) }
            if case .object(let output)? = tool["outputSchema"], output["type"]?.stringValue == "object" {
                capability["outputSchema"] = .object(output)
            }
            if case .object(let hints)? = tool["annotations"] {
                var kept = JSONObject()
                for key in ["title", "readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] {
                    if let value = hints[key], value != .null { kept[key] = value }
                }
                capability["annotations"] = .object(kept)
            }
            do throws(PluginLoadError) {
                _ = try PluginManifest.imported(manifest(id: id, [.object(capability)]), path: "mcp:\(id)")
                capabilities.append(.object(capability))
            } catch {
                skipped.append(Skipped(name: name, reason: error.message))
            }
        }
        return (manifest(id: id, capabilities), skipped)
    }

    private static func manifest(id: String, _ capabilities: [JSONValue]) -> JSONValue {
        let manifest: JSONObject = [
            "id": .string(id), "name": .string("MCP server \(id)"), "version": "1.0.0", "abiMinor": .integer(Int64(ABIVersion.minor)),
            "description": .string("Tools of the MCP server \(id), imported by the operator config's mcp_servers."),
            "capabilities": .array(capabilities),
        ]
        return .object(manifest)
    }

    private static func isKaiName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}
