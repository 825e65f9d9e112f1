import GRDB
import KaiCore

extension RegistryStore {
    /// Inserts or updates a plugin's identity, manifest and load outcome,
    /// keeping its first-seen time and the operator's status.
    public func recordPlugin(_ row: PluginRow) throws(StoreError) {
        let now = WallClock.now()
        do {
            try pool.write { db in
                let sha = try row.sha256 ?? cachedSHA256(db, for: row.identity) ?? SHA256.hex(ofFile: row.identity.path)
                let existing = try PluginRecord.fetchOne(db, key: row.id)
                let record = PluginRecord(
                    id: row.id, path: row.identity.path, size: row.identity.size,
                    mtimeNs: row.identity.mtimeNanoseconds, inode: Int64(bitPattern: row.identity.inode),
                    sha256: sha, manifest: row.manifestJSON,
                    loadStatus: row.failureReason == nil ? "loaded" : "failed", failureReason: row.failureReason,
                    status: existing?.status ?? PluginStatus.active.rawValue, statusReason: existing?.statusReason,
                    firstSeen: existing?.firstSeen ?? now, lastSeen: now)
                try record.save(db)
            }
        } catch {
            throw wrapping(error, doing: "record plugin '\(row.id)'")
        }
    }

    /// Makes the store's capabilities of `pluginID` exactly `rows`, in one
    /// transaction. Unchanged capabilities keep their ids, and so their
    /// performance history; removed ones are deleted with their history.
    ///
    /// - Throws: `.notFound` when `recordPlugin` was not called for `pluginID`.
    public func syncCapabilities(pluginID: String, _ rows: [CapabilityRow]) throws(StoreError) {
        do {
            try pool.write { db in
                guard try PluginRecord.exists(db, key: pluginID) else {
                    throw StoreError(.notFound, "registry: no plugin '\(pluginID)' is recorded; record the plugin before its capabilities")
                }
                var stale = try Dictionary(
                    CapabilityRecord.filter(Column("plugin_id") == pluginID).fetchAll(db).map { (Key($0.kind, $0.name), $0) },
                    uniquingKeysWith: { first, _ in first })
                for row in rows {
                    var record = CapabilityRecord(
                        id: stale.removeValue(forKey: Key(row.kind.rawValue, row.name))?.id, pluginId: pluginID,
                        kind: row.kind.rawValue, name: row.name, description: row.description,
                        inputSchema: row.inputSchema?.serialized(), outputSchema: row.outputSchema?.serialized())
                    try record.save(db)
                    let id = record.id!
                    try CapabilityTagRecord.filter(Column("capability_id") == id).deleteAll(db)
                    for tag in Set(row.tags) {
                        try CapabilityTagRecord(tag: tag, capabilityId: id).insert(db)
                    }
                }
                for record in stale.values {
                    try subtractFromPeers(db, capabilityID: record.id!, kind: record.kind)
                    _ = try record.delete(db)
                }
            }
        } catch {
            throw wrapping(error, doing: "sync the capabilities of plugin '\(pluginID)'")
        }
    }

    /// Sets the operator's status (config override, `kai plugins enable|disable`).
    /// A failed load still wins until `recordPlugin` records a good one.
    ///
    /// - Throws: `.notFound` when no plugin `id` is recorded.
    public func setPluginStatus(id: String, status: PluginStatus, reason: String? = nil) throws(StoreError) {
        defer { Self.statusChanged() }  // every store's status cache in this process reads afresh
        do {
            try pool.write { db in
                guard var record = try PluginRecord.fetchOne(db, key: id) else {
                    throw StoreError(.notFound, "registry: no plugin '\(id)' is recorded; run 'kai plugins list' to see plugin ids")
                }
                record.status = status.rawValue
                record.statusReason = reason
                try record.update(db)
            }
        } catch {
            throw wrapping(error, doing: "set the status of plugin '\(id)'")
        }
    }

    /// The effective status of plugin `id`, nil when none is recorded.
    /// Every recorded plugin's effective status, by id, in one read.
    public func pluginStatuses() throws(StoreError) -> [String: EffectivePluginStatus] {
        do {
            return try pool.read { db in
                Dictionary(try PluginRecord.fetchAll(db).map { ($0.id, $0.effectiveStatus) }, uniquingKeysWith: { $1 })
            }
        } catch {
            throw wrapping(error, doing: "read plugin statuses")
        }
    }

    public func pluginStatus(id: String) throws(StoreError) -> EffectivePluginStatus? {
        do {
            return try pool.read { db in try PluginRecord.fetchOne(db, key: id)?.effectiveStatus }
        } catch {
            throw wrapping(error, doing: "read plugin '\(id)'")
        }
    }

    /// The id `PerformanceRecord.capabilityID` needs; nil when not recorded.
    public func capabilityID(pluginID: String, kind: Capability.Kind, name: String) throws(StoreError) -> Int64? {
        do {
            return try pool.read { db in try capabilityID(db, pluginID: pluginID, kind: kind.rawValue, name: name) }
        } catch {
            throw wrapping(error, doing: "look up a capability of plugin '\(pluginID)'")
        }
    }

    func capabilityID(_ db: Database, pluginID: String, kind: String, name: String) throws -> Int64? {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM capabilities WHERE plugin_id = ? AND name = ? AND kind = ?"),
            arguments: [pluginID, name, kind])
    }

    private func cachedSHA256(_ db: Database, for identity: FileIdentity) throws -> String? {
        guard let cached = try ScanCacheRecord.fetchOne(db, key: identity.path), cached.matches(identity) else { return nil }
        return cached.sha256
    }

    private struct Key: Hashable {
        let kind: String
        let name: String
        init(_ kind: String, _ name: String) {
            self.kind = kind
            self.name = name
        }
    }
}
