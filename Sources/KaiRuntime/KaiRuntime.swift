import Foundation
import KaiCore
import KaiRegistry
import Synchronization

/// One Kai runtime: the operator config, the registry store, and a plugin
/// host whose plugins come from the config (plus extra paths), whose
/// manifests come from the store's scan cache when files are unchanged, and
/// whose every call is recorded in the store. The CLI opens one per command;
/// anything else embedding Kai opens it the same way.
///
/// Process-wide set-up stays with the embedder, before `open`: the CLI
/// claims stdout and installs its exit guard before any plugin code runs,
/// and bootstraps swift-log (the host's plugin logger uses it).
public final class KaiRuntime: Sendable {
    public let config: OperatorConfig
    /// The config file in use (--config, KAI_CONFIG or the default).
    public let configPath: String
    /// The registry: call log, plugin statuses, scan cache, scores.
    public let store: RegistryStore
    public let host: PluginHost
    public let diagnostics: any RuntimeDiagnostics
    private let isShutDown = Mutex(false)
    /// Set once a breaker update could not be written and the operator was warned.
    let breakerWriteWarned = Atomic<Bool>(false)
    /// Writes every run's session records (see SessionWriter).
    let sessionWriter: SessionWriter

    private init(config: OperatorConfig, configPath: String, store: RegistryStore, host: PluginHost, diagnostics: any RuntimeDiagnostics) {
        self.config = config
        self.configPath = configPath
        self.store = store
        self.host = host
        self.diagnostics = diagnostics
        self.sessionWriter = SessionWriter(store: store)
    }

    /// Reads the config, opens the store, loads the plugins and brings the
    /// store's view of them up to date. `beforeRecording` runs on the
    /// calling thread before each finished call is recorded (the CLI's call
    /// watchdog holds a call that lost its race there).
    public static func open(
        settings: RuntimeSettings, environment: [String: String] = ProcessInfo.processInfo.environment,
        diagnostics: any RuntimeDiagnostics, beforeRecording: (@Sendable (CallReport) -> Void)? = nil
    ) throws(RuntimeError) -> KaiRuntime {
        let timing = StartupTiming(enabled: environment["KAI_TIMING"] == "1", diagnostics: diagnostics)
        let config = try loadConfig(settings: settings, environment: environment)
        timing.mark("config")
        let store = try openStore(config, settings: settings, environment: environment)
        timing.mark("store")
        let extra = SearchPathCatalog.split(settings.pluginPaths + (environment["KAI_PLUGIN_PATH"].map { [$0] } ?? []))
        let catalog = ConfigCatalog(
            config: config, extraPaths: extra,
            excludedDirectory: settings.loadsBundledPlugins ? nil : settings.bundledDirectory, environment: environment)
        let imported = settings.importers.flatMap {
            $0.sources(config: config, store: store, environment: environment, diagnostics: diagnostics)
        }
        let observer = CallRecordGate(store: store, beforeRecording: beforeRecording)
        let host = PluginHost.load(from: ImportingCatalog(base: catalog, imported: imported), cache: store, observer: observer,
                                   statusGate: store, isolation: settings.isolation)
        diagnostics.pluginsLoaded(host)
        timing.mark("load")
        RegistrySync.record(host, in: store, diagnostics: diagnostics)
        timing.mark("sync")
        if settings.reportsLoadProblems {
            reportLoadProblems(host, to: diagnostics)
            AmbiguousApprovalWarning.report(config.approvals, tools: host.index(.tool), to: diagnostics)
        }
        let configPath = ConfigLocation.resolve(explicit: settings.configFile, environment: environment).path
        return KaiRuntime(config: config, configPath: configPath, store: store, host: host, diagnostics: diagnostics)
    }

    /// The operator config the settings name, the default one written on
    /// first use. Loads no plugin.
    public static func loadConfig(
        settings: RuntimeSettings, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(RuntimeError) -> OperatorConfig {
        let location = ConfigLocation.resolve(explicit: settings.configFile, environment: environment)
        do throws(ConfigError) {
            return try ConfigLoader.loadOrCreateDefault(
                location: location, bundledDirectory: settings.bundledDirectory, environment: environment)
        } catch {
            throw .config(error)
        }
    }

    /// The registry store named by the settings' database, else the config's.
    public static func openStore(
        _ config: OperatorConfig, settings: RuntimeSettings, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(RuntimeError) -> RegistryStore {
        // A postgres:// URL is one registry, never a path list to split.
        let path = settings.databaseFile.map { PostgresURL.isPostgres($0) ? $0 : SearchPathCatalog.split([$0])[0] }
            ?? config.databasePath(environment: environment)
        do throws(StoreError) {
            return try RegistryStore.opening(
                database: path, passwordVariable: config.databasePasswordVariable, environment: environment,
                options: RegistryStore.Options(payloadLogging: config.payloadLogging))
        } catch {
            throw .store(error)
        }
    }

    /// Feeds evaluated samples that name a model or an agent into the
    /// registry's performance records (see EvalRegistryFeed). Opens the
    /// config and store only when there is something to record; loads no
    /// plugin. A failed write is a warning, not an error.
    public static func recordEvaluation(
        _ samples: [EvaluatedSample], settings: RuntimeSettings,
        environment: [String: String] = ProcessInfo.processInfo.environment, diagnostics: any RuntimeDiagnostics
    ) throws(RuntimeError) {
        let attributed = samples.filter { $0.model != nil || $0.agent != nil }
        guard !attributed.isEmpty else { return }
        let config = try loadConfig(settings: settings, environment: environment)
        let store = try openStore(config, settings: settings, environment: environment)
        EvalRegistryFeed.record(attributed, in: store, diagnostics: diagnostics)
    }

    /// Supervision across processes, after a call failed: a worker's
    /// failures are counted in the registry's call log, and its plugin is
    /// disabled there (with a warning) once its policy's limit is reached.
    public func callFailed(_ error: CallError) {
        WorkerFailureWindow.check(error, host: host, store: store, diagnostics: diagnostics)
    }

    /// Stops in the reverse order of `open`: the plugins (workers finish the
    /// calls in flight), then the store's queued call records, written now.
    /// Throws `.callsLost` if any call this runtime recorded could not be
    /// written. Later calls do nothing.
    public func shutdown() throws(RuntimeError) {
        guard isShutDown.withLock({ done in defer { done = true }; return !done }) else { return }
        host.shutdown()
        do throws(LostCalls) {
            try store.flushDurably()
        } catch {
            throw .callsLost(error, database: store.path)
        }
    }

    private static func reportLoadProblems(_ host: PluginHost, to diagnostics: any RuntimeDiagnostics) {
        for failure in host.failures { diagnostics.warning(TerminalText.visible("skipped plugin \(failure.description)")) }
        for plugin in host.plugins {
            if let problem = plugin.settings.problem { diagnostics.warning(TerminalText.visible(problem)) }
        }
        ShortSecretWarning.report(host, to: diagnostics)
    }
}
