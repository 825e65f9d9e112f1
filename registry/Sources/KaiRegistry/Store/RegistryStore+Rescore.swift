extension RegistryStore {
    /// Recomputes every peer-latency sum and stored score from the aggregates.
    ///
    /// Recording a call rescores only that capability, against its peers'
    /// latency at that moment; the others' stored scores keep the peer
    /// latency of their own last call. This brings them all up to date (and
    /// removes floating-point drift from the incremental sums). O(capabilities
    /// × task types); run it now and then, e.g. from `kai registry status`.
    public func refreshScores() throws(StoreError) {
        do {
            try backend.write { db in
                try db.execute("DELETE FROM peer_latency")
                try db.execute("""
                    INSERT INTO peer_latency (kind, task_type, duration_weight, weight)
                    SELECT kind, task_type, SUM(duration_weight), SUM(weight) FROM capability_stats
                    WHERE weight > 0 GROUP BY kind, task_type
                    """)
                let peers = try db.rows("SELECT * FROM peer_latency").map(PeerLatencyRecord.init(row:))
                let latency = Dictionary(uniqueKeysWithValues: peers.map { ("\($0.kind)\u{0}\($0.taskType)", $0.latency) })
                for row in try db.rows("SELECT * FROM capability_stats").map(CapabilityStatsRecord.init(row:)) {
                    let peer = latency["\(row.kind)\u{0}\(row.taskType)"] ?? nil
                    let score = model.score(row.aggregate, peerLatencySeconds: peer)
                    if score != row.score {
                        try db.execute(
                            "UPDATE capability_stats SET score = ? WHERE capability_id = ? AND task_type = ?",
                            score, row.capabilityId, row.taskType)
                    }
                }
            }
        } catch {
            throw wrapping(error, doing: "refresh scores")
        }
    }
}
