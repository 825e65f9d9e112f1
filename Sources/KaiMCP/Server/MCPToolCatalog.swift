import KaiCore
import KaiJSON

/// The runtime's enabled tools as MCP tool descriptors: each under its
/// short name, or its qualified name (plugin.tool) when more than one
/// plugin defines the short one — the names `kai tools call` resolves.
/// Built once when the server starts (the runtime's catalog is fixed).
struct MCPToolCatalog: Sendable {
    struct Tool: Sendable {
        /// The name MCP clients see and call.
        let name: String
        let entry: ToolIndex.Entry
        var hasOutputSchema: Bool { entry.capability.outputSchema != nil }
    }

    private(set) var tools: [Tool] = []
    private var byName: [String: Int] = [:]
    /// The `tools/list` result, serialized once.
    let listResult: JSONValue

    init(_ index: ToolIndex) {
        var shortCounts: [String: Int] = [:]
        for entry in index.entries { shortCounts[entry.capability.name, default: 0] += 1 }
        var descriptors: [JSONValue] = []
        for entry in index.entries {
            let name = shortCounts[entry.capability.name] == 1 ? entry.capability.name : entry.qualifiedName
            byName[name] = tools.count
            tools.append(Tool(name: name, entry: entry))
            var descriptor = entry.capability.mcpDescriptor
            descriptor["name"] = .string(name)
            descriptors.append(.object(descriptor))
        }
        // A qualified name also reaches its tool, as it does for kai tools call.
        for (index, tool) in tools.enumerated() where byName[tool.entry.qualifiedName] == nil {
            byName[tool.entry.qualifiedName] = index
        }
        listResult = .object(["tools": .array(descriptors)])
    }

    func tool(named name: String) -> Tool? {
        byName[name].map { tools[$0] }
    }
}
