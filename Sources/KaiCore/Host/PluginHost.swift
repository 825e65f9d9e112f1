import KaiJSON
import Logging

/// The plugin host: loads what a catalog names, keeps going past plugins that
/// fail (each failure says why), and routes calls to the rest.
///
/// Immutable after `load`, so it is shared freely across threads; per-plugin
/// state (the lazily created instance, the serial lock) is lock-guarded in
/// LoadedPlugin.
public final class PluginHost: Sendable {
    public let plugins: [LoadedPlugin]
    public let failures: [PluginLoadError]
    public let tools: ToolIndex
    /// Where plugins' kai_host.log lines go, tagged with the plugin id.
    let pluginLogger: Logger

    private init(plugins: [LoadedPlugin], failures: [PluginLoadError], logger: Logger) {
        self.plugins = plugins
        self.failures = failures
        self.tools = ToolIndex(plugins: plugins)
        self.pluginLogger = logger
    }

    /// Loads every plugin the catalog names. Never throws: a plugin that
    /// cannot load lands in `failures`, and the others load anyway.
    public static func load(from catalog: some PluginCatalog, logger: Logger = Logger(label: "kai.plugin")) -> PluginHost {
        var plugins: [LoadedPlugin] = []
        var failures: [PluginLoadError] = []
        var byID: [String: String] = [:]
        for source in catalog.pluginSources() {
            do throws(PluginLoadError) {
                let library = try PluginLibrary.open(path: source.path)
                let manifest = try ManifestDecoder.decode(
                    library.manifestBytes, descriptorMinor: library.descriptor.abi_minor, path: source.path)
                if let first = byID[manifest.id] {
                    throw PluginLoadError(path: source.path, reason: .duplicatePluginID(manifest.id, firstPath: first))
                }
                byID[manifest.id] = source.path
                plugins.append(LoadedPlugin(library: library, manifest: manifest, config: source.config))
            } catch {
                failures.append(error)
            }
        }
        return PluginHost(plugins: plugins, failures: failures, logger: logger)
    }

    public func plugin(id: String) -> LoadedPlugin? {
        plugins.first { $0.id == id }
    }

    /// Creates the plugin's instance now (normally done on first call), so
    /// configuration and create() errors can be shown without calling a tool.
    public func instantiate(_ plugin: LoadedPlugin) throws(PluginLoadError) {
        _ = try plugin.instance(in: self)
    }

    /// Destroys created instances, last loaded first. The libraries stay
    /// mapped: plugins are never unloaded.
    public func shutdown() {
        for plugin in plugins.reversed() { plugin.destroyInstance() }
    }
}
