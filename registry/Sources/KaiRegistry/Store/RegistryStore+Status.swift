import GRDB

extension RegistryStore {
    /// Totals for `kai registry status`; reads only small tables (plugins,
    /// capabilities, tags and the '*' stats rows), never the record history.
    public func status() throws(StoreError) -> RegistryStatus {
        flush()
        let prior = model.score(PerformanceAggregate(), peerLatencySeconds: nil)
        do {
            return try pool.read { db in
                let plugins = try PluginRecord.fetchAll(db)
                var byStatus = Dictionary(uniqueKeysWithValues: EffectivePluginStatus.allCases.map { ($0, 0) })
                for plugin in plugins { byStatus[plugin.effectiveStatus, default: 0] += 1 }
                let capabilities = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM capabilities") ?? 0
                let stats = try Row.fetchOne(db, sql: """
                    SELECT COUNT(*), COALESCE(SUM(score), 0), COALESCE(SUM(calls), 0)
                    FROM capability_stats WHERE task_type = '*'
                    """)
                let ranked: Int = stats?[0] ?? 0
                let scoreSum: Double = stats?[1] ?? 0
                let coverage = try Row.fetchAll(db, sql: "SELECT tag, COUNT(*) FROM capability_tags GROUP BY tag")
                let failed = plugins.filter { $0.effectiveStatus == .failed }.sorted { $0.id < $1.id }.map {
                    RegistryStatus.FailedPlugin(id: $0.id, path: $0.path, reason: $0.failureReason ?? "unknown")
                }
                return RegistryStatus(
                    plugins: plugins.count, pluginsByStatus: byStatus, capabilities: capabilities,
                    calls: stats?[2] ?? 0,
                    averageScore: capabilities == 0
                        ? nil : (scoreSum + Double(capabilities - ranked) * prior) / Double(capabilities),
                    coverage: Dictionary(uniqueKeysWithValues: coverage.map { ($0[0], $0[1]) }),
                    failedPlugins: failed)
            }
        } catch {
            throw wrapping(error, doing: "read the registry status")
        }
    }

    /// Call-log rows, newest first.
    ///
    /// - Parameters:
    ///   - tool: only calls of this tool.
    ///   - since: only calls started at or after this time (seconds since 1970).
    ///   - limit: at most this many rows.
    public func logs(tool: String? = nil, since: Double? = nil, limit: Int = 100) throws(StoreError) -> [CallLogRecord] {
        flush()
        do {
            return try pool.read { db in
                var request = CallLogRecord.all()
                if let tool { request = request.filter(Column("tool") == tool) }
                if let since { request = request.filter(Column("started_at") >= since) }
                return try request.order(Column("started_at").desc, Column("id").desc).limit(max(limit, 0)).fetchAll(db)
            }
        } catch {
            throw wrapping(error, doing: "read the call log")
        }
    }
}
