import GRDB

/// A row of `performance_records`: one measured call of one capability.
///
/// Importers and benchmarks build these directly and pass them to
/// `RegistryStore.record(_:)`; `capabilityID` comes from
/// `RegistryStore.capabilityID(pluginID:kind:name:)`.
public struct PerformanceRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "performance_records"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: Int64?
    public var capabilityId: Int64
    /// nil when the caller gave none; such calls count only toward '*'.
    public var taskType: String?
    public var success: Bool
    public var durationS: Double
    /// A grade in 0...1, when something graded the result.
    public var quality: Double?
    public var tokensIn: Int64?
    public var tokensOut: Int64?
    public var cost: Double?
    public var errorCode: String?
    /// Seconds since 1970.
    public var recordedAt: Double

    public init(
        capabilityID: Int64, taskType: String?, success: Bool, durationSeconds: Double,
        quality: Double? = nil, tokensIn: Int64? = nil, tokensOut: Int64? = nil, cost: Double? = nil,
        errorCode: String? = nil, recordedAt: Double
    ) {
        self.capabilityId = capabilityID
        self.taskType = taskType
        self.success = success
        self.durationS = durationSeconds
        self.quality = quality
        self.tokensIn = tokensIn
        self.tokensOut = tokensOut
        self.cost = cost
        self.errorCode = errorCode
        self.recordedAt = recordedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
