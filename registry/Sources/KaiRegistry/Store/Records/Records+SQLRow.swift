import Foundation

// The record types read from either backend's rows by column name (their
// GRDB conformances remain for SQLite-only code: repair and tests).

extension PeerLatencyRecord {
    init(row: SQLRow) throws {
        self.init(kind: try row.get("kind"), taskType: try row.get("task_type"),
                  durationWeight: try row.get("duration_weight"), weight: try row.get("weight"))
    }
}

extension CapabilityStatsRecord {
    init(row: SQLRow) throws {
        self.init(
            capabilityId: try row.get("capability_id"), taskType: try row.get("task_type"), pluginId: try row.get("plugin_id"),
            name: try row.get("name"), kind: try row.get("kind"), weight: try row.get("weight"),
            successWeight: try row.get("success_weight"), durationWeight: try row.get("duration_weight"),
            qualityWeight: try row.get("quality_weight"), qualityCount: try row.get("quality_count"),
            calls: try row.get("calls"), score: try row.get("score"), updatedAt: try row.get("updated_at"))
    }
}

extension CapabilityRecord {
    init(row: SQLRow) throws {
        self.init(
            id: try row.get("id"), pluginId: try row.get("plugin_id"), kind: try row.get("kind"), name: try row.get("name"),
            description: try row.get("description"), inputSchema: try row.get("input_schema"),
            outputSchema: try row.get("output_schema"))
    }
}

extension PluginRecord {
    init(row: SQLRow) throws {
        self.init(
            id: try row.get("id"), path: try row.get("path"), size: try row.get("size"), mtimeNs: try row.get("mtime_ns"),
            inode: try row.get("inode"), sha256: try row.get("sha256"), manifest: try row.get("manifest"),
            loadStatus: try row.get("load_status"), failureReason: try row.get("failure_reason"),
            status: try row.get("status"), statusReason: try row.get("status_reason"),
            firstSeen: try row.get("first_seen"), lastSeen: try row.get("last_seen"))
    }

    /// Inserts the plugin or replaces every column of its row.
    func save(_ db: any SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO plugins (id, path, size, mtime_ns, inode, sha256, manifest, load_status, failure_reason,
                status, status_reason, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET path = excluded.path, size = excluded.size, mtime_ns = excluded.mtime_ns,
                inode = excluded.inode, sha256 = excluded.sha256, manifest = excluded.manifest,
                load_status = excluded.load_status, failure_reason = excluded.failure_reason, status = excluded.status,
                status_reason = excluded.status_reason, first_seen = excluded.first_seen, last_seen = excluded.last_seen
            """,
            id, path, size, mtimeNs, inode, sha256, manifest, loadStatus, failureReason, status, statusReason,
            firstSeen, lastSeen)
    }
}

extension ScanCacheRecord {
    init(row: SQLRow) throws {
        self.init(
            path: try row.get("path"), size: try row.get("size"), mtimeNs: try row.get("mtime_ns"),
            inode: try row.get("inode"), hostAbi: try row.get("host_abi"), manifest: try row.get("manifest"),
            abiMinor: try row.get("abi_minor"), failure: try row.get("failure"), sha256: try row.get("sha256"),
            scannedAt: try row.get("scanned_at"))
    }

    /// Inserts the entry or replaces every column of its path's row.
    func save(_ db: any SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO scan_cache (path, size, mtime_ns, inode, host_abi, manifest, abi_minor, failure, sha256,
                scanned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
                inode = excluded.inode, host_abi = excluded.host_abi, manifest = excluded.manifest,
                abi_minor = excluded.abi_minor, failure = excluded.failure, sha256 = excluded.sha256,
                scanned_at = excluded.scanned_at
            """,
            path, size, mtimeNs, inode, hostAbi, manifest, abiMinor, failure, sha256, scannedAt)
    }
}

extension CallLogRecord {
    init(row: SQLRow) throws {
        self.init(
            id: try row.get("id"), tool: try row.get("tool"), plugin: try row.get("plugin"), kind: try row.get("kind"),
            taskType: try row.get("task_type"), startedAt: try row.get("started_at"), durationNs: try row.get("duration_ns"),
            resultCode: try row.get("result_code"), errorKind: try row.get("error_kind"), depth: try row.get("depth"),
            argumentsSize: try row.get("arguments_size"), resultSize: try row.get("result_size"),
            arguments: try row.get("arguments"), result: try row.get("result"), model: try row.get("model"),
            inputTokens: try row.get("input_tokens"), outputTokens: try row.get("output_tokens"),
            costUsd: try row.get("cost_usd"), ttftNs: try row.get("ttft_ns"), route: try row.get("route"))
    }
}
