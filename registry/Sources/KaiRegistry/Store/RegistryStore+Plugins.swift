import KaiCore

extension RegistryStore {
    /// Inserts or updates a plugin's identity, manifest and load outcome,
    /// keeping its first-seen time and the operator's status.
    public func recordPlugin(_ row: PluginRow) throws(StoreError) {
        let now = WallClock.now()
        do {
            try backend.write { db in
                let sha = try row.sha256 ?? cachedSHA256(db, for: row.identity) ?? SHA256.hex(ofFile: row.identity.path)
                let existing = try Self.plugin(db, id: row.id)
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
            try backend.write { db in
                guard try Self.plugin(db, id: pluginID) != nil else {
                    throw StoreError(.notFound, "registry: no plugin '\(pluginID)' is recorded; record the plugin before its capabilities")
                }
                var stale = try Dictionary(
                    db.rows("SELECT * FROM capabilities WHERE plugin_id = ?", pluginID).map(CapabilityRecord.init(row:))
                        .map { (Key($0.kind, $0.name), $0) },
                    uniquingKeysWith: { first, _ in first })
                for row in rows {
                    let id = try Self.saveCapability(db, CapabilityRecord(
                        id: stale.removeValue(forKey: Key(row.kind.rawValue, row.name))?.id, pluginId: pluginID,
                        kind: row.kind.rawValue, name: row.name, description: row.description,
                        inputSchema: row.inputSchema?.serialized(), outputSchema: row.outputSchema?.serialized()))
                    try db.execute("DELETE FROM capability_tags WHERE capability_id = ?", id)
                    for tag in Set(row.tags) {
                        try db.execute("INSERT INTO capability_tags (tag, capability_id) VALUES (?, ?)", tag, id)
                    }
                }
                for record in stale.values {
                    try subtractFromPeers(db, capabilityID: record.id!, kind: record.kind)
                    try db.execute("DELETE FROM capabilities WHERE id = ?", record.id!)
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
            try backend.write { db in
                let changed = try db.execute(
                    "UPDATE plugins SET status = ?, status_reason = ? WHERE id = ?", status.rawValue, reason, id)
                guard changed > 0 else {
                    throw StoreError(.notFound, "registry: no plugin '\(id)' is recorded; run 'kai plugins list' to see plugin ids")
                }
            }
        } catch {
            throw wrapping(error, doing: "set the status of plugin '\(id)'")
        }
    }

    /// The effective status of plugin `id`, nil when none is recorded.
    /// Every recorded plugin's effective status, by id, in one read.
    public func pluginStatuses() throws(StoreError) -> [String: EffectivePluginStatus] {
        do {
            return try backend.read { db in
                Dictionary(try db.rows("SELECT * FROM plugins").map(PluginRecord.init(row:)).map { ($0.id, $0.effectiveStatus) },
                           uniquingKeysWith: { $1 })
            }
        } catch {
            throw wrapping(error, doing: "read plugin statuses")
        }
    }

    public func pluginStatus(id: String) throws(StoreError) -> EffectivePluginStatus? {
        do {
            return try backend.read { db in try Self.plugin(db, id: id)?.effectiveStatus }
        } catch {
            throw wrapping(error, doing: "read plugin '\(id)'")
        }
    }

    /// The id `PerformanceRecord.capabilityID` needs; nil when not recorded.
    public func capabilityID(pluginID: String, kind: Capability.Kind, name: String) throws(StoreError) -> Int64? {
        do {
            return try backend.read { db in try capabilityID(db, pluginID: pluginID, kind: kind.rawValue, name: name) }
        } catch {
            throw wrapping(error, doing: "look up a capability of plugin '\(pluginID)'")
        }
    }

    func capabilityID(_ db: any SQLConnection, pluginID: String, kind: String, name: String) throws -> Int64? {
        try db.scalar("SELECT id FROM capabilities WHERE plugin_id = ? AND name = ? AND kind = ?", pluginID, name, kind, as: Int64.self)
    }

    static func plugin(_ db: any SQLConnection, id: String) throws -> PluginRecord? {
        try db.row("SELECT * FROM plugins WHERE id = ?", id).map(PluginRecord.init(row:))
    }

    /// Inserts a capability (id nil: a new one) or updates it; returns its id.
    static func saveCapability(_ db: any SQLConnection, _ r: CapabilityRecord) throws -> Int64 {
        if let id = r.id {
            try db.execute(
                "UPDATE capabilities SET plugin_id = ?, kind = ?, name = ?, description = ?, input_schema = ?, output_schema = ? WHERE id = ?",
                r.pluginId, r.kind, r.name, r.description, r.inputSchema, r.outputSchema, id)
            return id
        }
        let inserted = try db.scalar(
            "INSERT INTO capabilities (plugin_id, kind, name, description, input_schema, output_schema) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            r.pluginId, r.kind, r.name, r.description, r.inputSchema, r.outputSchema, as: Int64.self)
        guard let inserted else { throw StoreError(.database, "registry: inserting a capability returned no id") }
        return inserted
    }

    private func cachedSHA256(_ db: any SQLConnection, for identity: FileIdentity) throws -> String? {
        guard let cached = try db.row("SELECT * FROM scan_cache WHERE path = ?", identity.path).map(ScanCacheRecord.init(row:)),
              cached.matches(identity) else { return nil }
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
