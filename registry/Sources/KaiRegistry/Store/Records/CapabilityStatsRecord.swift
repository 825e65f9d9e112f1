import GRDB

/// A row of `capability_stats`: one capability's aggregate and score for one
/// task type ('*' for all calls).
struct CapabilityStatsRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "capability_stats"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    static let allTaskTypes = "*"

    var capabilityId: Int64
    var taskType: String
    var pluginId: String
    var name: String
    var kind: String
    var weight: Double
    var successWeight: Double
    var durationWeight: Double
    var qualityWeight: Double
    var qualityCount: Double
    var calls: Int
    var score: Double
    var updatedAt: Double

    var aggregate: PerformanceAggregate {
        get {
            PerformanceAggregate(
                weight: weight, successWeight: successWeight, durationWeight: durationWeight,
                qualityWeight: qualityWeight, qualityCount: qualityCount, calls: calls)
        }
        set {
            weight = newValue.weight
            successWeight = newValue.successWeight
            durationWeight = newValue.durationWeight
            qualityWeight = newValue.qualityWeight
            qualityCount = newValue.qualityCount
            calls = newValue.calls
        }
    }
}
