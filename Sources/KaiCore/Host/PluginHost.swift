import KaiJSON
import Logging

/// The plugin host: loads what a catalog names, keeps going past plugins that
/// fail (each failure says why), and routes calls to the rest.
///
/// Immutable after `load`, so it is shared freely across threads; per-plugin
/// state (the lazily opened library and instance, the serial lock) is
/// lock-guarded in LoadedPlugin.
public final class PluginHost: Sendable {
    public let plugins: [LoadedPlugin]
    public let failures: [PluginLoadError]
    /// Plugins the operator disabled: found, but not loaded.
    public let disabled: [(id: String, path: String)]
    public let tools: ToolIndex
    /// Where plugins' kai_host.log lines go, tagged with the plugin id.
    let pluginLogger: Logger
    let observer: (any CallObserver)?

    private init(plugins: [LoadedPlugin], failures: [PluginLoadError], disabled: [(id: String, path: String)],
                 logger: Logger, observer: (any CallObserver)?) {
        self.plugins = plugins
        self.failures = failures
        self.disabled = disabled
        self.tools = ToolIndex(plugins: plugins)
        self.pluginLogger = logger
        self.observer = observer
    }

    /// Loads every plugin the catalog names. Never throws: a plugin that
    /// cannot load lands in `failures`, and the others load anyway.
    ///
    /// With a scan cache, an unchanged file's manifest (or its failure) comes
    /// from the cache and the file is not opened until a call needs it.
    public static func load(
        from catalog: some PluginCatalog, cache: (any ScanCache)? = nil, observer: (any CallObserver)? = nil,
        logger: Logger = Logger(label: "kai.plugin")
    ) -> PluginHost {
        var plugins: [LoadedPlugin] = []
        var failures: [PluginLoadError] = []
        var disabled: [(id: String, path: String)] = []
        var byID: [String: String] = [:]
        for source in catalog.pluginSources() {
            do throws(PluginLoadError) {
                let (library, manifest) = try scan(source.path, cache: cache)
                if let expected = source.expectedID, expected != manifest.id {
                    throw PluginLoadError(path: source.path, reason: .idMismatch(expected: expected, found: manifest.id))
                }
                if let first = byID[manifest.id] {
                    throw PluginLoadError(path: source.path, reason: .duplicatePluginID(manifest.id, firstPath: first))
                }
                byID[manifest.id] = source.path
                let settings = source.settings ?? catalog.settings(for: manifest, path: source.path)
                guard settings.enabled else {
                    disabled.append((manifest.id, source.path))
                    continue
                }
                plugins.append(LoadedPlugin(path: source.path, library: library, manifest: manifest, settings: settings))
            } catch {
                failures.append(error)
            }
        }
        return PluginHost(plugins: plugins, failures: failures, disabled: disabled, logger: logger, observer: observer)
    }

    /// Reads one file's manifest: from the cache when the file is unchanged
    /// (library nil: not opened), else by opening it, saving the outcome.
    private static func scan(_ path: String, cache: (any ScanCache)?) throws(PluginLoadError) -> (PluginLibrary?, PluginManifest) {
        let identity = cache == nil ? nil : FileIdentity.of(path: path)
        if let identity, let cached = cache?.cachedScan(identity) {
            switch cached {
            case .failed(let message):
                throw PluginLoadError(path: path, reason: .previousScan(message))
            case .manifest(let json, let minor):
                // Validated when cached; a decode failure here (a host whose
                // rules changed without an ABI change) just rescans.
                if let manifest = try? ManifestDecoder.decode(json, descriptorMinor: minor, path: path, trusted: true) {
                    return (nil, manifest)
                }
            }
        }
        do {
            let library = try PluginLibrary.open(path: path)
            let manifest = try ManifestDecoder.decode(library.manifestBytes, descriptorMinor: library.descriptor.abi_minor, path: path)
            if let identity { cache?.saveScan(identity, .manifest(json: library.manifestBytes, abiMinor: library.descriptor.abi_minor)) }
            return (library, manifest)
        } catch {
            if let identity { cache?.saveScan(identity, .failed(message: error.message)) }
            throw error
        }
    }

    public func plugin(id: String) -> LoadedPlugin? {
        plugins.first { $0.id == id }
    }

    /// Opens the plugin and creates its instance now (normally done on first
    /// call), so configuration and create() errors show without a call.
    public func instantiate(_ plugin: LoadedPlugin) throws(PluginLoadError) {
        _ = try plugin.instance(in: self)
    }

    /// Destroys created instances, last loaded first. The libraries stay
    /// mapped: plugins are never unloaded.
    public func shutdown() {
        for plugin in plugins.reversed() { plugin.destroyInstance() }
    }
}
