import KaiCore
import KaiJSON

/// The manifest Kai gives an imported MCP server's entry: one tool
/// capability per MCP tool, with its description, inputSchema,
/// outputSchema and annotations as the server listed them (approvals read
/// the annotations: an unannotated tool asks first, as MCP says it may be
/// destructive and open-world). A tool whose name Kai cannot take (more
/// than 64 characters, or other than letters, digits, _ and -) is left out
/// and reported.
public enum MCPToolManifest {
    public static func json(id: String, tools: [JSONValue]) -> (manifest: JSONValue, skipped: [String]) {
        var capabilities: [JSONValue] = []
        var skipped: [String] = []
        for tool in tools {
            guard let name = tool["name"]?.stringValue, isKaiName(name),
                  case .object(var input)? = tool["inputSchema"] else {
                skipped.append(tool["name"]?.stringValue ?? "(no name)")
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
            capabilities.append(.object(capability))
        }
        let manifest: JSONObject = [
            "id": .string(id), "name": .string("MCP server \(id)"), "version": "1.0.0", "abiMinor": .integer(Int64(ABIVersion.minor)),
            "description": .string("Tools of the MCP server \(id), imported by the operator config's mcp_servers."),
            "capabilities": .array(capabilities),
        ]
        return (.object(manifest), skipped)
    }

    private static func isKaiName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}
