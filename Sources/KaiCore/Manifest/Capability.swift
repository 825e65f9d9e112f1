import KaiJSON
import KaiJSONSchema

/// One tool, agent or provider a plugin offers, as its manifest declares it.
public struct Capability: Sendable {
    public enum Kind: String, Sendable {
        case tool, agent, provider

        var abiValue: Int32 {
            switch self {
            case .tool: 0
            case .agent: 1
            case .provider: 2
            }
        }
    }

    /// Whether the host may run several calls on one instance at once.
    public enum Concurrency: String, Sendable {
        case parallel, serial
    }

    public let kind: Kind
    public let name: String
    public let title: String?
    public let description: String
    public let inputSchema: JSONValue?
    public let outputSchema: JSONValue?
    public let annotations: JSONValue?
    public let concurrency: Concurrency
    public let streaming: Bool
    public let tags: [String]
    public let models: [String]

    /// Compiled once at load, used on every call.
    let inputValidator: JSONSchema?
    let outputValidator: JSONSchema?

    /// The MCP tool descriptor: name, title?, description, inputSchema,
    /// outputSchema?, annotations?.
    public var mcpDescriptor: JSONObject {
        var object: JSONObject = ["name": .string(name)]
        if let title { object["title"] = .string(title) }
        object["description"] = .string(description)
        object["inputSchema"] = inputSchema ?? .object(["type": "object"])
        if let outputSchema { object["outputSchema"] = outputSchema }
        if let annotations { object["annotations"] = annotations }
        return object
    }
}
