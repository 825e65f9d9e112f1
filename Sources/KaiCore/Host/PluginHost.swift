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
    public let tools: CapabilityIndex
    /// LLM providers (kai_provider.h), called through the same path as tools.
    public let providerIndex: CapabilityIndex
    public let agentIndex: CapabilityIndex
    /// Where plugins' kai_host.log lines go, tagged with the plugin id, and
    /// whatever else of theirs kai logs (worker stderr, stray stdout).
    /// Always scrubs secret values and makes control characters visible.
    public let pluginLogger: Logger
    let observer: (any CallObserver)?
    /// Consulted before every call (see PluginStatusGate); nil: only the
    /// config's status counts.
    let statusGate: (any PluginStatusGate)?
    /// Every loaded plugin's secret values, replaced by their placeholders in
    /// whatever comes back from a plugin (see SecretScrubber).
    let scrubber: SecretScrubber

    private init(plugins: [LoadedPlugin], failures: [PluginLoadError], disabled: [(id: String, path: String)],
                 logger: Logger, observer: (any CallObserver)?, statusGate: (any PluginStatusGate)?) {
        self.plugins = plugins
        self.failures = failures
        self.disabled = disabled
        self.tools = CapabilityIndex(plugins: plugins, kind: .tool)
        self.providerIndex = CapabilityIndex(plugins: plugins, kind: .provider)
        self.agentIndex = CapabilityIndex(plugins: plugins, kind: .agent)
        let scrubber = SecretScrubber(plugins: plugins)
        self.scrubber = scrubber
        var pluginLogger = logger
        pluginLogger.handler = ScrubbingLogHandler(inner: logger.handler, scrubber: scrubber)
        self.pluginLogger = pluginLogger
        self.observer = observer
        self.statusGate = statusGate
    }

    /// Loads every plugin the catalog names. Never throws: a plugin that
    /// cannot load lands in `failures`, and the others load anyway.
    ///
    /// `policy` picks the isolation of plugins whose settings do not say
    /// (see IsolationPolicy): long-running hosts pass `.longRunning`.
    ///
    /// With a scan cache, an unchanged file's manifest (or its failure) comes
    /// from the cache and the file is not opened until a call needs it.
    ///
    /// Files the cache does not know are read by `scanning` (see
    /// PluginScanning): with a cache, normally in a helper process, so a
    /// plugin that crashes or hangs while being read is recorded as failed
    /// and the host carries on.
    public static func load(
        from catalog: some PluginCatalog, cache: (any ScanCache)? = nil, observer: (any CallObserver)? = nil,
        statusGate: (any PluginStatusGate)? = nil,
        logger: Logger = Logger(label: "kai.plugin"), scanning: PluginScanning = .automatic,
        isolation policy: IsolationPolicy = .command
    ) -> PluginHost {
        var plugins: [LoadedPlugin] = []
        var failures: [PluginLoadError] = []
        var disabled: [(id: String, path: String)] = []
        var byID: [String: String] = [:]
        let sources = catalog.pluginSources()
        // Where each file's code may run while it is scanned: decided once.
        let scanIsolation = Dictionary(sources.map { ($0.path, $0.settings?.isolation ?? catalog.scanIsolation(path: $0.path)) }) { first, _ in first }
        let scanned = scanInHelper(sources, isolation: scanIsolation, cache: cache, scanning: scanning)
        for source in sources {
            do throws(PluginLoadError) {
                let isolation = scanIsolation[source.path] ?? .inprocess
                let helper = isolation == .inprocess ? nil : scanning.sandboxHelper().map { ($0.executable, $0.timeout, isolation == .sandbox) }
                let library: PluginLibrary?, manifest: PluginManifest, fromCache: Bool
                if let given = source.manifest {
                    (library, manifest, fromCache) = (nil, given, false)  // the host made it: nothing to read
                } else {
                    (library, manifest, fromCache) = try scan(source.path, cache: cache, scanned: scanned[source.path], helper: helper)
                }
                if let expected = source.expectedID, expected != manifest.id {
                    throw PluginLoadError(path: source.path, reason: .idMismatch(expected: expected, found: manifest.id))
                }
                if let first = byID[manifest.id] {
                    throw PluginLoadError(path: source.path, reason: .duplicatePluginID(manifest.id, firstPath: first))
                }
                byID[manifest.id] = source.path
                let given = source.settings ?? catalog.settings(for: manifest, path: source.path)
                // A backend keeps its own isolation (an MCP server is its own process).
                let settings = source.backend == nil ? policy.apply(to: given, path: source.path) : given
                guard settings.enabled else {
                    disabled.append((manifest.id, source.path))
                    continue
                }
                plugins.append(LoadedPlugin(path: source.path, library: library, manifest: manifest, settings: settings, fromCache: fromCache,
                                            backend: source.backend))
            } catch {
                failures.append(error)
            }
        }
        return PluginHost(plugins: plugins, failures: failures, disabled: disabled, logger: logger, observer: observer,
                          statusGate: statusGate)
    }

    /// Reads one file's manifest: from the cache when the file is unchanged,
    /// else from the scan helper's answer, else by opening it here — except
    /// a file configured to run outside kai (`helper` given), which is then
    /// scanned in that helper: its cache entry may have stopped decoding, or
    /// the file changed since `scanInHelper` looked. A fresh outcome is
    /// saved. The library is nil unless opened here.
    private static func scan(
        _ path: String, cache: (any ScanCache)?, scanned: ScanHelperClient.Outcome?,
        helper: (executable: String, timeout: Double, sandboxed: Bool)?
    ) throws(PluginLoadError) -> (PluginLibrary?, PluginManifest, fromCache: Bool) {
        let identity = cache == nil ? nil : FileIdentity.of(path: path)
        if let identity, let cached = cache?.cachedScan(identity) {
            switch cached {
            case .failed(let message):
                throw PluginLoadError(path: path, reason: .previousScan(message))
            case .manifest(let json, let minor):
                // Validated when cached; a decode failure here (a host whose
                // rules changed without an ABI change) just rescans.
                if let manifest = try? ManifestDecoder.decode(json, descriptorMinor: minor, path: path, trusted: true) {
                    return (nil, manifest, true)
                }
            }
        }
        var scanned = scanned
        if case .none = scanned, let helper {
            scanned = ScanHelperClient.scan([path], executable: helper.executable, timeout: helper.timeout,
                                            sandboxed: helper.sandboxed)[path]
                ?? .unscanned(PluginLoadError(path: path, reason: .previousScan("its scan helper gave no answer")))
        }
        if case .unscanned(let error)? = scanned { throw error }  // about this machine, not the file: not cached
        do throws(PluginLoadError) {
            let library: PluginLibrary?
            let bytes: [UInt8], minor: UInt32
            switch scanned {
            case .manifest(let json, let abiMinor)?:
                (library, bytes, minor) = (nil, json, abiMinor)
            case .failed(let error)?, .unscanned(let error)?:
                throw error
            case nil:
                let opened = try PluginLibrary.open(path: path)
                (library, bytes, minor) = (opened, opened.manifestBytes, opened.descriptor.abi_minor)
            }
            let manifest = try ManifestDecoder.decode(bytes, descriptorMinor: minor, path: path)
            if let identity { cache?.saveScan(identity, .manifest(json: bytes, abiMinor: minor)) }
            return (library, manifest, false)
        } catch {
            if let identity { cache?.saveScan(identity, .failed(message: error.message)) }
            throw error
        }
    }

    /// Scans the files the cache does not know in a helper process, when
    /// `scanning` says so; whenever scanning is not `.inProcess` (cache or
    /// not), files configured for isolation: sandbox in a sandboxed helper
    /// and those for isolation: process in a plain one, so their code never
    /// runs where their isolation says it must not.
    private static func scanInHelper(
        _ sources: [PluginSource], isolation: [String: PluginIsolation], cache: (any ScanCache)?, scanning: PluginScanning
    ) -> [String: ScanHelperClient.Outcome] {
        let unknown = sources.filter { source in
            guard source.manifest == nil else { return false }  // the host made it: nothing to read
            guard let cache, let identity = FileIdentity.of(path: source.path) else { return true }
            return cache.cachedScan(identity) == nil
        }
        guard !unknown.isEmpty else { return [:] }
        let sandboxed = unknown.map(\.path).filter { isolation[$0] == .sandbox }
        let inWorker = unknown.map(\.path).filter { isolation[$0] == .process }
        let others = unknown.map(\.path).filter { isolation[$0] == .inprocess }
        var outcomes: [String: ScanHelperClient.Outcome] = [:]
        if let (executable, timeout) = scanning.sandboxHelper() {
            // Code configured to run outside kai is read outside kai too.
            if !sandboxed.isEmpty { outcomes = ScanHelperClient.scan(sandboxed, executable: executable, timeout: timeout, sandboxed: true) }
            if !inWorker.isEmpty { outcomes.merge(ScanHelperClient.scan(inWorker, executable: executable, timeout: timeout)) { first, _ in first } }
        }
        if !others.isEmpty, let (executable, timeout) = scanning.helper(hasCache: cache != nil) {
            outcomes.merge(ScanHelperClient.scan(others, executable: executable, timeout: timeout)) { first, _ in first }
        }
        return outcomes
    }

    public func plugin(id: String) -> LoadedPlugin? {
        plugins.first { $0.id == id }
    }

    /// Opens the plugin and creates its instance now (normally done on first
    /// call), so configuration and create() errors show without a call —
    /// where its isolation says: in this process, or in its worker (started
    /// now, and kept for later calls), never in this process for a plugin
    /// isolated in a worker.
    public func instantiate(_ plugin: LoadedPlugin) throws(PluginLoadError) {
        guard plugin.backend == nil else { return }  // it starts on its first call
        guard let supervisor = plugin.supervisor else {
            _ = try plugin.instance(in: self)
            return
        }
        let deadline = MonotonicClock.deadline(after: supervisor.policy.startTimeout + 1)
        do {
            let connection = try supervisor.acquire(host: self, plugin: plugin, tool: plugin.id, deadline: deadline)
            supervisor.release(connection, answered: true)
        } catch {
            switch error {
            case .pluginUnavailable(_, let loadError):
                throw loadError
            case .workerUnavailable(_, _, let reason):
                throw PluginLoadError(path: plugin.path, reason: .failedInHelper("its worker process \(reason)"))
            default:
                throw PluginLoadError(path: plugin.path, reason: .failedInHelper(error.description))
            }
        }
    }

    /// Stops the plugins, last loaded first: in-process instances are
    /// destroyed once their calls in flight return (not at all if they are
    /// still running at the deadline), and later calls are refused (the
    /// libraries stay mapped: plugins are never unloaded);
    /// workers finish the calls in flight, destroy their instance and
    /// exit, and are killed if they have not within `timeout` seconds.
    public func shutdown(timeout: Double = 2) {
        let deadline = MonotonicClock.deadline(after: timeout)
        for plugin in plugins.reversed() {
            plugin.supervisor?.shutdown(deadline: deadline)
            plugin.backend?.shutdown(deadline: deadline)
            let running = plugin.destroyInstance(deadline: deadline)
            if running > 0 {
                pluginLogger.warning("plugin \(plugin.id) still had \(running) call(s) running at shutdown; its destroy() was not called",
                                     metadata: ["plugin": .string(plugin.id)])
            }
        }
    }
}
