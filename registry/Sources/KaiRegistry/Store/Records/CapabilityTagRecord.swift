import GRDB

/// A row of `capability_tags`: one tag of one capability, for any/all queries.
struct CapabilityTagRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "capability_tags"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var tag: String
    var capabilityId: Int64
}
