/// Folds calls into `capability_stats` and `peer_latency` inside the caller's
/// transaction: aggregates are read once per (capability, task type), updated
/// in memory call by call, then written once with scores computed against
/// the peers' sums after the whole batch — so a batch of a million records
/// costs a million O(1) folds plus one write per touched row.
///
/// Raw cached statements, not record types: this is the per-call hot path,
/// and Codable encoding tripled its cost.
struct StatsUpdate {
    struct CapabilityInfo {
        let id: Int64
        let pluginID: String
        let name: String
        let kind: String
    }

    private struct Key: Hashable {
        let capabilityID: Int64
        let taskType: String
    }

    private struct Entry {
        let capability: CapabilityInfo
        let before: PerformanceAggregate?
        var after: PerformanceAggregate
    }

    private struct PeerKey: Hashable {
        let kind: String
        let taskType: String
    }

    let model: ScoreModel
    private var entries: [Key: Entry] = [:]
    private var order: [Key] = []

    init(model: ScoreModel) {
        self.model = model
    }

    /// Folds one call into the capability's `taskType` row (when given) and its '*' row.
    mutating func add(
        _ db: any SQLConnection, _ capability: CapabilityInfo, taskType: String?, success: Bool, durationSeconds: Double,
        quality: Double?
    ) throws {
        for task in [taskType, CapabilityStatsRecord.allTaskTypes].compactMap({ $0 }) {
            let key = Key(capabilityID: capability.id, taskType: task)
            if entries[key] == nil {
                let before = try Self.fetchAggregate(db, key)
                entries[key] = Entry(capability: capability, before: before, after: before ?? PerformanceAggregate())
                order.append(key)
            }
            entries[key]!.after = model.updated(
                entries[key]!.after, success: success, durationSeconds: durationSeconds, quality: quality)
        }
    }

    /// Writes the peers' new sums, then every touched row with its new score.
    func write(_ db: any SQLConnection, now: Double) throws {
        var deltas: [PeerKey: (duration: Double, weight: Double)] = [:]
        for key in order {
            let entry = entries[key]!
            let peer = PeerKey(kind: entry.capability.kind, taskType: key.taskType)
            let old = entry.before.flatMap { model.averageLatency($0) == nil ? nil : $0 }
            let new = model.averageLatency(entry.after) == nil ? nil : entry.after
            deltas[peer, default: (0, 0)].duration += (new?.durationWeight ?? 0) - (old?.durationWeight ?? 0)
            deltas[peer, default: (0, 0)].weight += (new?.weight ?? 0) - (old?.weight ?? 0)
        }
        var peerLatency: [PeerKey: Double?] = [:]
        // Columns qualified by table: PostgreSQL finds a bare name ambiguous
        // beside `excluded`.
        let upsertPeer = """
            INSERT INTO peer_latency (kind, task_type, duration_weight, weight) VALUES (?, ?, ?, ?)
            ON CONFLICT (kind, task_type) DO UPDATE SET
                duration_weight = peer_latency.duration_weight + excluded.duration_weight,
                weight = peer_latency.weight + excluded.weight
            RETURNING duration_weight, weight
            """
        for (peer, delta) in deltas {
            let row = try db.row(upsertPeer, peer.kind, peer.taskType, delta.duration, delta.weight)
            let sums = PeerLatencyRecord(
                kind: peer.kind, taskType: peer.taskType, durationWeight: try row?.get(0) ?? 0, weight: try row?.get(1) ?? 0)
            peerLatency[peer] = sums.latency
        }
        // UPDATE, not INSERT OR REPLACE, for existing rows: a replace deletes
        // and re-inserts the row and every index entry; an update rewrites
        // only the ranking entries whose score moved.
        let insertStats = """
            INSERT INTO capability_stats (capability_id, task_type, plugin_id, name, kind, weight,
                success_weight, duration_weight, quality_weight, quality_count, calls, score, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        let updateStats = """
            UPDATE capability_stats SET weight = ?, success_weight = ?, duration_weight = ?, quality_weight = ?,
                quality_count = ?, calls = ?, score = ?, updated_at = ?
            WHERE capability_id = ? AND task_type = ?
            """
        for key in order {
            let entry = entries[key]!
            let a = entry.after
            let peer = peerLatency[PeerKey(kind: entry.capability.kind, taskType: key.taskType)] ?? nil
            let score = model.score(a, peerLatencySeconds: peer)
            if entry.before == nil {
                try db.execute(
                    insertStats, key.capabilityID, key.taskType, entry.capability.pluginID, entry.capability.name,
                    entry.capability.kind, a.weight, a.successWeight, a.durationWeight, a.qualityWeight,
                    a.qualityCount, a.calls, score, now)
            } else {
                try db.execute(
                    updateStats, a.weight, a.successWeight, a.durationWeight, a.qualityWeight, a.qualityCount, a.calls,
                    score, now, key.capabilityID, key.taskType)
            }
        }
    }

    private static func fetchAggregate(_ db: any SQLConnection, _ key: Key) throws -> PerformanceAggregate? {
        guard let row = try db.row(
            """
            SELECT weight, success_weight, duration_weight, quality_weight, quality_count, calls
            FROM capability_stats WHERE capability_id = ? AND task_type = ?
            """, key.capabilityID, key.taskType) else { return nil }
        return PerformanceAggregate(
            weight: try row.get(0), successWeight: try row.get(1), durationWeight: try row.get(2),
            qualityWeight: try row.get(3), qualityCount: try row.get(4), calls: try row.get(5))
    }
}
