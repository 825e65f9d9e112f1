import KaiJSON
import KaiJSONSchema

/// A plugin's self-description, validated: what describe() returned.
public struct PluginManifest: Sendable {
    public let id: String
    public let name: String?
    public let version: String
    public let abiMinor: Int64
    public let description: String?
    public let configSchema: JSONValue?
    public let capabilities: [Capability]
    /// The manifest exactly as the plugin wrote it, for `kai plugins info`.
    public let json: JSONValue

    let configValidator: JSONSchema?

    public var tools: [Capability] { capabilities.filter { $0.kind == .tool } }

    public func capability(named name: String) -> Capability? {
        capabilities.first { $0.name == name }
    }
}
