import Foundation
import KaiCore
import KaiJSON

extension RegistryStore: CallObserver {
    /// Queues one routed call for recording: a performance record, a call-log
    /// row and the capability's stats (its task type and '*').
    ///
    /// Calls are written in batches, one transaction each: when the queue
    /// reaches `options.batchSize`, `options.flushDelaySeconds` after the
    /// first queued call, on `flush()`, and before any read (`discover`,
    /// `status`, `logs`). A commit costs far more than the rows in it, so this
    /// is what keeps recording cheap; a process that must acknowledge a call
    /// (the CLI before it exits) calls `flush()`. Failures go to
    /// `options.reportError`; this never throws.
    public func callFinished(_ report: CallReport) {
        let (count, first) = pending.withLock { queue -> (Int, Bool) in
            queue.append(report)
            return (queue.count, queue.count == 1)
        }
        if count >= options.batchSize {
            flush()
        } else if first, options.flushDelaySeconds > 0 {
            DispatchQueue.global().asyncAfter(deadline: .now() + options.flushDelaySeconds) { [weak self] in self?.flush() }
        }
    }

    /// Writes every queued call now, in one transaction. On failure the
    /// calls are reported through `options.reportError`, dropped and
    /// counted (see `flushDurably`).
    public func flush() {
        // One flusher at a time keeps batches in call order.
        flushing.withLock { _ in
            if let error = writePending() { options.reportError(error) }
        }
    }

    func write(_ reports: [CallReport]) throws {
        let now = WallClock.now()
        try backend.write { db in
            var capabilities: [String: StatsUpdate.CapabilityInfo] = [:]
            var stats = StatsUpdate(model: model)
            var logs = Self.callLogRows(), records = Self.performanceRows()
            for report in reports {
                let usage = CallUsage(report)
                try logs.add(db, logValues(report, usage))
                // Bad arguments and plugins the operator switched off say
                // nothing about the plugin's performance: log, don't score.
                guard !report.blamesCaller else { continue }
                let name = capabilityName(report)
                let key = "\(report.plugin)\u{0}\(report.capabilityKind.rawValue)\u{0}\(name)"
                let capability = try capabilities[key] ?? ensureCapability(
                    db, pluginID: report.plugin, kind: report.capabilityKind.rawValue, name: name)
                capabilities[key] = capability
                let seconds = Double(report.durationNanoseconds) / 1e9
                let errorCode = report.succeeded ? nil : report.errorKind?.rawValue ?? report.code.description
                try records.add(db, sqlValues([
                    capability.id, report.taskType, report.succeeded, seconds, nil, usage.inputTokens,
                    usage.outputTokens, usage.costUSD, errorCode, now,
                ]))
                try stats.add(
                    db, capability, taskType: report.taskType, success: report.succeeded,
                    durationSeconds: seconds, quality: nil)
            }
            try logs.flush(db)
            try records.flush(db)
            try stats.write(db, now: now)
        }
    }

    /// The id of a capability, creating it (and a placeholder plugin row)
    /// when the store has never seen it — for measurements of things that
    /// are not plugins' capabilities, such as models scored by `kai eval`.
    public func ensureCapability(pluginID: String, kind: Capability.Kind, name: String) throws(StoreError) -> Int64 {
        do {
            return try backend.write { db in try ensureCapability(db, pluginID: pluginID, kind: kind.rawValue, name: name).id }
        } catch {
            throw wrapping(error, doing: "register capability '\(pluginID).\(name)'")
        }
    }

    /// Records many calls in one transaction, in order, for importers and
    /// benchmarks. Each record's capability must exist.
    ///
    /// - Throws: `.database` when one does not (nothing is written then).
    public func record(_ records: [PerformanceRecord]) throws(StoreError) {
        guard !records.isEmpty else { return }
        let now = WallClock.now()
        do {
            try backend.write { db in
                var capabilities: [Int64: StatsUpdate.CapabilityInfo] = [:]
                var stats = StatsUpdate(model: model)
                var rows = Self.performanceRows()
                for r in records {
                    let capability: StatsUpdate.CapabilityInfo
                    if let known = capabilities[r.capabilityId] {
                        capability = known
                    } else {
                        guard let found = try capabilityInfo(db, id: r.capabilityId) else {
                            throw StoreError(.notFound, "registry: no capability with id \(r.capabilityId); sync the plugin's capabilities first")
                        }
                        capabilities[r.capabilityId] = found
                        capability = found
                    }
                    try rows.add(db, sqlValues([
                        r.capabilityId, r.taskType, r.success, r.durationS, r.quality, r.tokensIn, r.tokensOut, r.cost,
                        r.errorCode, r.recordedAt,
                    ]))
                    try stats.add(
                        db, capability, taskType: r.taskType, success: r.success, durationSeconds: r.durationS,
                        quality: r.quality)
                }
                try rows.flush(db)
                try stats.write(db, now: now)
            }
        } catch {
            throw wrapping(error, doing: "record \(records.count) performance records")
        }
    }

    /// The host reports tools by qualified name ("plugin.tool"); capabilities
    /// are stored by their manifest name.
    private func capabilityName(_ report: CallReport) -> String {
        let prefix = report.plugin + "."
        return report.tool.hasPrefix(prefix) ? String(report.tool.dropFirst(prefix.count)) : report.tool
    }

    static func performanceRows() -> InsertBuffer {
        InsertBuffer(table: "performance_records", columns: [
            "capability_id", "task_type", "success", "duration_s", "quality", "tokens_in", "tokens_out", "cost",
            "error_code", "recorded_at",
        ])
    }

    static func callLogRows() -> InsertBuffer {
        InsertBuffer(table: "call_log", columns: [
            "tool", "plugin", "kind", "task_type", "started_at", "duration_ns", "result_code", "error_kind", "depth",
            "arguments_size", "result_size", "arguments", "result", "model", "input_tokens", "output_tokens", "cost_usd",
            "ttft_ns", "route",
        ])
    }

    /// A call's call_log row, in `callLogRows`' column order.
    private func logValues(_ report: CallReport, _ usage: CallUsage) -> [SQLValue] {
        let payloads = options.payloadLogging
        let values: [(any SQLBindable)?] = [
            report.tool, report.plugin, report.capabilityKind.rawValue, report.taskType, report.startedAt,
            report.durationNanoseconds, report.code.rawValue, report.errorKind?.rawValue, report.depth, report.arguments.count,
            report.result.count, payloads ? Data(report.arguments) : nil, payloads ? Data(report.result) : nil,
            usage.model, usage.inputTokens, usage.outputTokens, usage.costUSD, usage.timeToFirstTokenNanoseconds,
            report.routeHops.isEmpty ? nil : RouteHop.json(report.routeHops).serialized(),
        ]
        return sqlValues(values)
    }

    /// The capability a call names; a call through a capability the store
    /// was never told about (no `syncCapabilities` yet) creates it, so the
    /// call is still counted.
    private func ensureCapability(
        _ db: any SQLConnection, pluginID: String, kind: String, name: String
    ) throws -> StatsUpdate.CapabilityInfo {
        if let id = try capabilityID(db, pluginID: pluginID, kind: kind, name: name) {
            return StatsUpdate.CapabilityInfo(id: id, pluginID: pluginID, name: name, kind: kind)
        }
        let now = WallClock.now()
        try db.execute(
            """
            INSERT INTO plugins (id, path, size, mtime_ns, inode, load_status, first_seen, last_seen)
            VALUES (?, '', 0, 0, 0, 'loaded', ?, ?) ON CONFLICT DO NOTHING
            """, pluginID, now, now)
        let id = try Self.saveCapability(db, CapabilityRecord(
            id: nil, pluginId: pluginID, kind: kind, name: name, description: "", inputSchema: nil, outputSchema: nil))
        return StatsUpdate.CapabilityInfo(id: id, pluginID: pluginID, name: name, kind: kind)
    }

    private func capabilityInfo(_ db: any SQLConnection, id: Int64) throws -> StatsUpdate.CapabilityInfo? {
        try db.row("SELECT * FROM capabilities WHERE id = ?", id).map(CapabilityRecord.init(row:)).map {
            StatsUpdate.CapabilityInfo(id: id, pluginID: $0.pluginId, name: $0.name, kind: $0.kind)
        }
    }

    /// Takes a capability's stats out of its peers' sums before it is deleted.
    func subtractFromPeers(_ db: any SQLConnection, capabilityID: Int64, kind: String) throws {
        try db.execute(
            """
                UPDATE peer_latency SET
                    duration_weight = peer_latency.duration_weight - s.duration_weight,
                    weight = peer_latency.weight - s.weight
                FROM (SELECT task_type, duration_weight, weight FROM capability_stats
                      WHERE capability_id = ? AND weight > 0) AS s
                WHERE peer_latency.kind = ? AND peer_latency.task_type = s.task_type
                """, capabilityID, kind)
    }
}
