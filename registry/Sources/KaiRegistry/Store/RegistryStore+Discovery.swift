import KaiCore

extension RegistryStore {
    /// Capabilities matching `query`, best score first, at most `query.limit`.
    ///
    /// Ranked capabilities come from walking `capability_stats_ranking` in
    /// score order and stopping at the limit. Capabilities with no calls for
    /// the task type score the prior; they are fetched (in tie-break order)
    /// only when the prior could still make the cut.
    public func discover(_ query: DiscoveryQuery) throws(StoreError) -> [ScoredCapability] {
        guard query.limit > 0, !query.statuses.isEmpty else { return [] }
        flush()
        let taskType = query.taskType ?? CapabilityStatsRecord.allTaskTypes
        let prior = model.score(PerformanceAggregate(), peerLatencySeconds: nil)
        do {
            return try backend.read { db in
                var found = try ranked(db, query, taskType: taskType)
                if found.count < query.limit || found[found.count - 1].score <= prior {
                    found += try unranked(db, query, taskType: taskType, prior: prior)
                    found.sort(by: ScoredCapability.precedes)
                    found = Array(found.prefix(query.limit))
                }
                return try withTags(db, found)
            }
        } catch {
            throw wrapping(error, doing: "discover capabilities")
        }
    }

    private func ranked(_ db: any SQLConnection, _ query: DiscoveryQuery, taskType: String) throws -> [ScoredCapability] {
        var arguments: [SQLValue] = [.text(taskType)]
        // CROSS JOIN keeps SQLite from putting the small plugins table outside,
        // which would lose the index order and sort every candidate.
        var sql = """
            SELECT s.plugin_id, s.name, s.kind, s.score, s.weight, s.success_weight, s.duration_weight,
                s.quality_weight, s.quality_count, s.calls
            FROM capability_stats s \(db.orderedJoin) plugins p ON p.id = s.plugin_id
            WHERE s.task_type = ?
            """
        sql += filters(query, capability: "s.capability_id", kind: "s.kind", dialect: db.dialect, arguments: &arguments)
        sql += " ORDER BY s.score DESC, s.plugin_id, s.name, s.kind LIMIT ?"
        arguments.append(.int(Int64(query.limit)))
        return try db.rows(sql, arguments).map { row in
            let a = PerformanceAggregate(
                weight: try row.get(4), successWeight: try row.get(5), durationWeight: try row.get(6),
                qualityWeight: try row.get(7), qualityCount: try row.get(8), calls: try row.get(9))
            return ScoredCapability(
                pluginID: try row.get(0), name: try row.get(1), kind: Capability.Kind(rawValue: try row.get(2)) ?? .tool,
                score: try row.get(3), calls: a.calls, successRate: a.weight > 0 ? a.successWeight / a.weight : nil,
                averageLatencySeconds: model.averageLatency(a), tags: [])
        }
    }

    private func unranked(
        _ db: any SQLConnection, _ query: DiscoveryQuery, taskType: String, prior: Double
    ) throws -> [ScoredCapability] {
        var arguments: [SQLValue] = [.text(taskType)]
        var sql = """
            SELECT c.plugin_id, c.name, c.kind
            FROM capabilities c \(db.orderedJoin) plugins p ON p.id = c.plugin_id
            WHERE NOT EXISTS (SELECT 1 FROM capability_stats s WHERE s.capability_id = c.id AND s.task_type = ?)
            """
        sql += filters(query, capability: "c.id", kind: "c.kind", dialect: db.dialect, arguments: &arguments)
        sql += " ORDER BY c.plugin_id, c.name, c.kind LIMIT ?"
        arguments.append(.int(Int64(query.limit)))
        return try db.rows(sql, arguments).map { row in
            ScoredCapability(
                pluginID: try row.get(0), name: try row.get(1), kind: Capability.Kind(rawValue: try row.get(2)) ?? .tool,
                score: prior, calls: 0, successRate: nil, averageLatencySeconds: nil, tags: [])
        }
    }

    /// The kind, status and tag conditions shared by both queries.
    private func filters(
        _ query: DiscoveryQuery, capability: String, kind: String, dialect: SQLDialect, arguments: inout [SQLValue]
    ) -> String {
        var sql = ""
        if let wanted = query.kind {
            sql += " AND \(kind) = ?"
            arguments.append(.text(wanted.rawValue))
        }
        let statuses = query.statuses.sorted()
        if statuses.count < EffectivePluginStatus.allCases.count {
            let marks = Array(repeating: "?", count: statuses.count).joined(separator: ", ")
            let values = statuses.map { SQLValue.text($0.rawValue) }
            if dialect == .sqlite {
                sql += " AND (CASE WHEN p.load_status = 'failed' THEN 'failed' ELSE p.status END) IN (\(marks))"
                arguments += values
            } else {
                // The same test, in a form PostgreSQL's planner can estimate:
                // behind a CASE it guesses one plugin in 200 matches, sorts
                // every candidate instead of walking the score index, and
                // discovery takes ~20 ms instead of ~0.2 ms.
                sql += " AND ((p.load_status = 'failed' AND 'failed' IN (\(marks))) OR (p.load_status <> 'failed' AND p.status IN (\(marks))))"
                arguments += values + values
            }
        }
        let tags = Array(Set(query.tags)).sorted()
        if !tags.isEmpty {
            let marks = Array(repeating: "?", count: tags.count).joined(separator: ", ")
            let matching = "SELECT %@ FROM capability_tags t WHERE t.capability_id = \(capability) AND t.tag IN (\(marks))"
            switch query.tagMatch {
            case .any: sql += " AND EXISTS (" + matching.replacingOccurrences(of: "%@", with: "1") + ")"
            case .all: sql += " AND (" + matching.replacingOccurrences(of: "%@", with: "COUNT(*)") + ") = \(tags.count)"
            }
            arguments += tags.map(SQLValue.text)
        }
        return sql
    }

    private func withTags(_ db: any SQLConnection, _ found: [ScoredCapability]) throws -> [ScoredCapability] {
        if db.dialect == .postgres { return try withTagsInOneQuery(db, found) }
        let sql = """
            SELECT t.tag FROM capabilities c JOIN capability_tags t ON t.capability_id = c.id
            WHERE c.plugin_id = ? AND c.name = ? AND c.kind = ? ORDER BY t.tag
            """
        return try found.map { capability in
            var tagged = capability
            tagged.tags = try db.rows(sql, capability.pluginID, capability.name, capability.kind.rawValue)
                .map { try $0.get(0, as: String.self) }
            return tagged
        }
    }
}

extension RegistryStore {
    /// `withTags` in one query: on PostgreSQL each statement is a round trip
    /// to the server (~0.1 ms), ten times what the query costs there.
    private func withTagsInOneQuery(_ db: any SQLConnection, _ found: [ScoredCapability]) throws -> [ScoredCapability] {
        guard !found.isEmpty else { return found }
        let keys = Array(repeating: "(?, ?, ?)", count: found.count).joined(separator: ", ")
        let rows = try db.rows(
            """
            SELECT c.plugin_id, c.name, c.kind, t.tag FROM capabilities c JOIN capability_tags t ON t.capability_id = c.id
            WHERE (c.plugin_id, c.name, c.kind) IN (\(keys)) ORDER BY t.tag
            """, found.flatMap { [SQLValue.text($0.pluginID), .text($0.name), .text($0.kind.rawValue)] })
        var tags: [String: [String]] = [:]
        for row in rows {
            let key = "\(try row.get(0, as: String.self))\u{0}\(try row.get(1, as: String.self))\u{0}\(try row.get(2, as: String.self))"
            tags[key, default: []].append(try row.get(3))
        }
        return found.map { capability in
            var tagged = capability
            tagged.tags = tags["\(capability.pluginID)\u{0}\(capability.name)\u{0}\(capability.kind.rawValue)"] ?? []
            return tagged
        }
    }
}

extension RegistryStore {
    /// Every capability of `kind` whose plugin is active, with its score for
    /// `taskType` (all calls when nil; the prior when it has no calls), by
    /// qualified name ("plugin.name"). One indexed query: what the router
    /// reads per request, where `discover`'s tags and limits are not needed.
    public func scores(kind: Capability.Kind, taskType: String?) throws(StoreError) -> [String: Double] {
        flush()
        let prior = model.score(PerformanceAggregate(), peerLatencySeconds: nil)
        do {
            return try backend.read { db in
                let rows = try db.rows(
                    """
                    SELECT c.plugin_id, c.name, s.score FROM capabilities c
                    JOIN plugins p ON p.id = c.plugin_id AND p.load_status = 'loaded' AND p.status = 'active'
                    LEFT JOIN capability_stats s ON s.capability_id = c.id AND s.task_type = ?
                    WHERE c.kind = ?
                    """, taskType ?? CapabilityStatsRecord.allTaskTypes, kind.rawValue)
                var scores: [String: Double] = [:]
                for row in rows {
                    let plugin: String = try row.get(0), name: String = try row.get(1)
                    scores[plugin + "." + name] = try row.get(2, as: Double?.self) ?? prior
                }
                return scores
            }
        } catch {
            throw wrapping(error, doing: "read the scores of \(kind.rawValue) capabilities")
        }
    }
}
