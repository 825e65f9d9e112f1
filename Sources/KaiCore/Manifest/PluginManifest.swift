import KaiJSON
import KaiJSONSchema

/// A plugin's self-description, validated: what describe() returned.
public struct PluginManifest: Sendable {
    public let id: String
    public let name: String?
    public let version: String
    public let abiMinor: Int64
    public let description: String?
    /// `"network": true`: the plugin needs the network (isolation: sandbox
    /// leaves its worker in the host's network namespace only then).
    public let network: Bool
    public let configSchema: JSONValue?
    public let capabilities: [Capability]
    /// The manifest exactly as the plugin wrote it, for `kai plugins info`.
    public let json: JSONValue

    let configValidator: LazySchema

    public var tools: [Capability] { capabilities.filter { $0.kind == .tool } }

    public func capability(named name: String) -> Capability? {
        capabilities.first { $0.name == name }
    }

    /// Violations of the configSchema by `config` (after schema defaults are
    /// filled in, as create() will see it). Empty when there is no schema or
    /// it does not compile (instantiating reports that).
    public func configViolations(_ config: JSONValue) -> [SchemaViolation] {
        guard let schema = try? configValidator.schema() else { return [] }
        return schema.validate(ConfigDefaults.apply(schema: configSchema, to: config))
    }

    /// Compiles every schema the manifest holds, reporting the first that is
    /// not a valid JSON Schema.
    func checkSchemas(path: String) throws(PluginLoadError) {
        func check(_ schema: LazySchema, _ capability: String, _ field: String) throws(PluginLoadError) {
            do {
                _ = try schema.schema()
            } catch {
                throw PluginLoadError(path: path, reason: .invalidSchema(capability: capability, field: field, error.description))
            }
        }
        try check(configValidator, "plugin", "configSchema")
        for capability in capabilities {
            try check(capability.inputValidator, capability.name, "inputSchema")
            try check(capability.outputValidator, capability.name, "outputSchema")
        }
    }
}

extension PluginManifest: Equatable {
    /// Manifests are equal when their JSON is: every field is read from it.
    public static func == (lhs: PluginManifest, rhs: PluginManifest) -> Bool { lhs.json == rhs.json }
}

extension PluginManifest {
    /// A manifest the host writes itself (see PluginSource.manifest),
    /// checked exactly as a plugin's describe() output is: the manifest
    /// schema, unique names, and every schema in it compiling.
    public static func hostGiven(_ json: JSONValue, path: String) throws(PluginLoadError) -> PluginManifest {
        let minor = UInt32(clamping: json["abiMinor"]?.intValue ?? -1)
        let manifest = try ManifestDecoder.decode(json.serializedBytes(), descriptorMinor: minor, path: path)
        try manifest.checkSchemas(path: path)
        return manifest
    }
}
