extension RegistryStore {
    /// Totals for `kai registry status`; reads only small tables (plugins,
    /// capabilities, tags and the '*' stats rows), never the record history.
    public func status() throws(StoreError) -> RegistryStatus {
        flush()
        let prior = model.score(PerformanceAggregate(), peerLatencySeconds: nil)
        do {
            return try backend.read { db in
                let plugins = try db.rows("SELECT * FROM plugins").map(PluginRecord.init(row:))
                var byStatus = Dictionary(uniqueKeysWithValues: EffectivePluginStatus.allCases.map { ($0, 0) })
                for plugin in plugins { byStatus[plugin.effectiveStatus, default: 0] += 1 }
                let capabilities = try db.scalar("SELECT COUNT(*) FROM capabilities", as: Int.self) ?? 0
                let stats = try db.row("""
                    SELECT COUNT(*), COALESCE(SUM(score), 0), COALESCE(SUM(calls), 0)
                    FROM capability_stats WHERE task_type = '*'
                    """)
                let ranked: Int = try stats?.get(0) ?? 0
                let scoreSum: Double = try stats?.get(1) ?? 0
                let calls: Int = try stats?.get(2) ?? 0
                let coverage = try db.rows("SELECT tag, COUNT(*) FROM capability_tags GROUP BY tag")
                let failed = plugins.filter { $0.effectiveStatus == .failed }.sorted { $0.id < $1.id }.map {
                    RegistryStatus.FailedPlugin(id: $0.id, path: $0.path, reason: $0.failureReason ?? "unknown")
                }
                return RegistryStatus(
                    plugins: plugins.count, pluginsByStatus: byStatus, capabilities: capabilities,
                    calls: calls,
                    averageScore: capabilities == 0
                        ? nil : (scoreSum + Double(capabilities - ranked) * prior) / Double(capabilities),
                    coverage: Dictionary(uniqueKeysWithValues: try coverage.map { (try $0.get(0), try $0.get(1)) }),
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
            return try backend.read { db in
                var sql = "SELECT * FROM call_log WHERE 1 = 1"
                var arguments: [SQLValue] = []
                if let tool {
                    sql += " AND tool = ?"
                    arguments.append(.text(tool))
                }
                if let since {
                    sql += " AND started_at >= ?"
                    arguments.append(.double(since))
                }
                arguments.append(.int(Int64(max(limit, 0))))
                return try db.rows(sql + " ORDER BY started_at DESC, id DESC LIMIT ?", arguments).map(CallLogRecord.init(row:))
            }
        } catch {
            throw wrapping(error, doing: "read the call log")
        }
    }
}
