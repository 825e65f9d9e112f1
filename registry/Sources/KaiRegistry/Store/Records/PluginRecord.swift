import GRDB

/// A row of `plugins`: one plugin file, its identity, manifest and status.
struct PluginRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "plugins"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var path: String
    var size: Int64
    var mtimeNs: Int64
    var inode: Int64
    var sha256: String?
    /// The manifest JSON text; nil for a plugin that failed to load.
    var manifest: String?
    var loadStatus: String
    var failureReason: String?
    /// The operator's status: active, inactive, maintenance or deprecated.
    var status: String
    var statusReason: String?
    var firstSeen: Double
    var lastSeen: Double

    /// What discovery and `status()` filter on: a failed load wins over the
    /// operator's status.
    var effectiveStatus: EffectivePluginStatus {
        loadStatus == "failed" ? .failed : EffectivePluginStatus(rawValue: status) ?? .inactive
    }
}
