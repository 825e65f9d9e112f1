import KaiCore
import KaiJSON

/// What the host learned about one plugin file, for `RegistryStore.recordPlugin`.
public struct PluginRow: Sendable, Equatable {
    /// The manifest's plugin id; for a plugin that failed before its
    /// manifest was read, use its path.
    public var id: String
    public var identity: FileIdentity
    /// The manifest JSON, nil when loading failed.
    public var manifestJSON: String?
    /// The load error's message (no path, no arguments); nil when it loaded.
    public var failureReason: String?
    /// The file's SHA-256 in lowercase hex; nil to take it from the scan
    /// cache (or hash the file when the cache has none for this identity).
    public var sha256: String?

    public init(id: String, identity: FileIdentity, manifestJSON: String?, failureReason: String?, sha256: String? = nil) {
        self.id = id
        self.identity = identity
        self.manifestJSON = manifestJSON
        self.failureReason = failureReason
        self.sha256 = sha256
    }
}

/// One capability as the manifest declares it, for `RegistryStore.syncCapabilities`.
public struct CapabilityRow: Sendable, Equatable {
    public var kind: Capability.Kind
    public var name: String
    public var description: String
    public var inputSchema: JSONValue?
    public var outputSchema: JSONValue?
    public var tags: [String]

    public init(
        kind: Capability.Kind, name: String, description: String, inputSchema: JSONValue? = nil,
        outputSchema: JSONValue? = nil, tags: [String] = []
    ) {
        self.kind = kind
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.tags = tags
    }
}
