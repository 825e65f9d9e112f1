import KaiJSON
import KaiJSONSchema

/// One tool, agent or provider a plugin offers, as its manifest declares it.
///
/// A class, not a struct: every call resolves to one, and copying eleven
/// reference-counted fields per call showed up in profiles.
public final class Capability: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
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

    /// Compiled on first use: listing tools never needs them, and compiling
    /// every schema of every plugin at start-up dominated `kai tools list`.
    let inputValidator: LazySchema
    let outputValidator: LazySchema

    init(
        kind: Kind, name: String, title: String?, description: String, inputSchema: JSONValue?,
        outputSchema: JSONValue?, annotations: JSONValue?, concurrency: Concurrency, streaming: Bool,
        tags: [String], models: [String]
    ) {
        self.kind = kind
        self.name = name
        self.title = title
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.annotations = annotations
        self.concurrency = concurrency
        self.streaming = streaming
        self.tags = tags
        self.models = models
        self.inputValidator = LazySchema(inputSchema)
        self.outputValidator = LazySchema(outputSchema)
    }

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
