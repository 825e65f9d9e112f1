import KaiCore
import KaiJSON
import KaiRegistry

/// Keeps the store's view of plugins in step with what the host loaded.
/// Only what changed is written: a warm start (every manifest from the scan
/// cache, statuses unchanged) writes nothing.
enum RegistrySync {
    static func record(_ host: PluginHost, in store: RegistryStore, diagnostics: any RuntimeDiagnostics) {
        do throws(StoreError) {
            let statuses = try store.pluginStatuses()
            for plugin in host.plugins {
                // A manifest from the scan cache does not mean the plugin's
                // row exists: another process saves the scan while it loads
                // and records the plugin only after, so a process starting
                // between the two reads a cached manifest for a plugin the
                // store has no row for. Record it here too (both writes are
                // idempotent upserts), or its status update finds no row.
                let recorded = plugin.fromCache && statuses[plugin.id] != nil
                if !recorded, let identity = identity(of: plugin) {
                    let manifest = plugin.manifest.json.serialized()
                    // A backend's entry has no file: its manifest stands in for the file's hash.
                    let sha = plugin.backend == nil ? nil : SHA256.hex(Array(manifest.utf8))
                    try store.recordPlugin(PluginRow(
                        id: plugin.id, identity: identity, manifestJSON: manifest, failureReason: nil, sha256: sha))
                    try store.syncCapabilities(pluginID: plugin.id, plugin.manifest.capabilities.map { capability in
                        CapabilityRow(kind: capability.kind, name: capability.name, description: capability.description,
                                      inputSchema: capability.inputSchema, outputSchema: capability.outputSchema, tags: capability.tags)
                    })
                }
                // A supervision disable stands until `kai plugins enable`.
                if statuses[plugin.id] != EffectivePluginStatus(plugin.status), try store.supervisionDisableReason(id: plugin.id) == nil {
                    try store.setPluginStatus(id: plugin.id, status: plugin.status, reason: nil)
                }
            }
            for failure in host.failures {
                if case .previousScan = failure.reason { continue }
                guard let identity = FileIdentity.of(path: failure.path) else { continue }
                try store.recordPlugin(PluginRow(id: failure.path, identity: identity, manifestJSON: nil, failureReason: failure.message))
            }
        } catch {
            diagnostics.warning("could not update the registry: \(error.description)")
        }
    }

    /// The file's identity; for an entry served by a backend (no file),
    /// its name ("mcp:time") with zeros.
    private static func identity(of plugin: LoadedPlugin) -> FileIdentity? {
        if plugin.backend != nil { return FileIdentity(path: plugin.path, size: 0, mtimeNanoseconds: 0, inode: 0) }
        return FileIdentity.of(path: plugin.path)
    }
}
