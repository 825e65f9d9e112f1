import GRDB

/// A row of `capabilities`: one tool, agent or provider a plugin declares.
struct CapabilityRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    static let databaseTableName = "capabilities"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: Int64?
    var pluginId: String
    var kind: String
    var name: String
    var description: String
    var inputSchema: String?
    var outputSchema: String?

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
