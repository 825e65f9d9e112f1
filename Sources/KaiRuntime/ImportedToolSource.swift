import KaiCore
import KaiRegistry

/// Plugin entries whose tools a feature module serves through a
/// ToolBackend (KaiMCP: the config's `mcp_servers`), added to the config's
/// plugins when a runtime opens. KaiRuntime cannot know those modules (they
/// are built on it), so the embedder hands them in: RuntimeSettings.importers.
public protocol ImportedToolSource: Sendable {
    /// The entries, each with its host-given manifest and backend. Reads
    /// caches from `store`; problems are warnings, never failures.
    func sources(config: OperatorConfig, store: RegistryStore, environment: [String: String],
                 diagnostics: any RuntimeDiagnostics) -> [PluginSource]
}

/// The config's catalog plus imported entries (after the config's own, so
/// a plugin keeps its id when both claim one).
struct ImportingCatalog: PluginCatalog {
    let base: ConfigCatalog
    let imported: [PluginSource]

    func pluginSources() -> [PluginSource] { base.pluginSources() + imported }

    func settings(for manifest: PluginManifest, path: String) -> PluginSettings {
        base.settings(for: manifest, path: path)
    }

    func scanIsolation(path: String) -> PluginIsolation { base.scanIsolation(path: path) }
}
