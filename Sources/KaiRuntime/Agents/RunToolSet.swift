import KaiCore
import KaiJSON

/// The tools of one run: each under the name the model sees (the short
/// name, or the qualified one where two plugins share a short name), found
/// again by either name when an agent calls one.
struct RunToolSet: Sendable {
    struct Tool: Sendable {
        let entry: CapabilityIndex.Entry
        /// The name in the agent's "tools" and so the model's calls.
        let name: String
        var qualifiedName: String { entry.qualifiedName }
        var shortName: String { entry.capability.name }
    }

    let tools: [Tool]

    init(_ entries: [CapabilityIndex.Entry]) {
        var counts: [String: Int] = [:]
        for entry in entries { counts[entry.capability.name, default: 0] += 1 }
        tools = entries.map { entry in
            Tool(entry: entry, name: counts[entry.capability.name] == 1 ? entry.capability.name : entry.qualifiedName)
        }
    }

    /// The tool an agent named: its model-facing name, else its qualified name.
    func tool(named name: String) -> Tool? {
        tools.first { $0.name == name } ?? tools.first { $0.qualifiedName == name }
    }

    /// The tools as MCP descriptors (agent-input "tools"), under their run names.
    func descriptors(only names: [String]? = nil) -> [JSONValue] {
        let chosen = names.map { wanted in tools.filter { wanted.contains($0.name) || wanted.contains($0.qualifiedName) } } ?? tools
        return chosen.map { tool in
            var descriptor = tool.entry.capability.mcpDescriptor
            descriptor["name"] = .string(tool.name)
            return .object(descriptor)
        }
    }

    var qualifiedNames: [String] { tools.map(\.qualifiedName) }
}
