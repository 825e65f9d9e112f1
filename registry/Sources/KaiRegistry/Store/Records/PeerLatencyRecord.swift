import GRDB

/// A row of `peer_latency`: Σ durationWeight and Σ weight over every
/// capability of one kind with calls of one task type, so
/// `ScoreModel.peerLatency` is one division instead of a scan.
struct PeerLatencyRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "peer_latency"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var kind: String
    var taskType: String
    var durationWeight: Double
    var weight: Double

    /// The call-weighted mean latency, as `ScoreModel.peerLatency(of:)` defines it.
    var latency: Double? {
        guard weight > 0 else { return nil }
        let mean = durationWeight / weight
        return mean.isFinite && mean >= 0 ? mean : nil
    }
}
