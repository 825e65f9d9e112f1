import ArgumentParser
import Foundation
import KaiCore
import KaiRegistry
import Logging

/// Options every command that loads plugins shares: where the operator
/// config and the registry live, and extra plugins for plugin authors.
struct RuntimeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Operator config file (default: KAI_CONFIG, then $XDG_CONFIG_HOME/kai/kai.yaml, created on first use).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Registry database (default: the config's database, then $XDG_DATA_HOME/kai/registry.sqlite).", valueName: "file"))
    var database: String?

    @Option(name: .long, help: ArgumentHelp("Also load this plugin .so or directory of them; repeatable, or colon-separated (also KAI_PLUGIN_PATH).", valueName: "path"))
    var pluginPath: [String] = []

    @Flag(name: .long, help: "Do not load the bundled plugins.")
    var noBundledPlugins = false

    @Option(name: .long, help: ArgumentHelp("Plugin log level: trace, debug, info, warning, error (default: warning, or KAI_LOG_LEVEL).", valueName: "level"))
    var logLevel: String?

    func validate() throws {
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("unknown log level '\(logLevel)'. Please provide one of: trace, debug, info, warning, error.")
        }
    }

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    var configLocation: ConfigLocation { ConfigLocation.resolve(explicit: config, environment: environment) }

    /// Reads the operator config (writing the default one on first use).
    func loadConfig() throws -> OperatorConfig {
        do {
            return try ConfigLoader.loadOrCreateDefault(
                location: configLocation, bundledDirectory: SearchPathCatalog.executableDirectory(), environment: environment)
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.config)
        }
    }

    /// Opens the registry store named by --database or the config.
    func openStore(_ config: OperatorConfig) throws -> RegistryStore {
        let path = database.map { SearchPathCatalog.split([$0])[0] } ?? config.databasePath(environment: environment)
        do {
            return try RegistryStore(path: path, options: RegistryStore.Options(payloadLogging: config.payloadLogging))
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.store)
        }
    }

    /// Config, store and host together: plugins come from the config (plus
    /// --plugin-path), manifests from the scan cache when files are
    /// unchanged, and every call is recorded in the store.
    func openRuntime(reportFailures: Bool = true) throws -> Runtime {
        // Before any plugin code runs: its stdout must not reach ours, and
        // its exit() must not end kai silently.
        Console.claimStdout()
        PluginExitGuard.install()
        LoggingBootstrap.once(level: effectiveLogLevel)
        let timing = StartupTiming(enabled: environment["KAI_TIMING"] == "1")
        let config = try loadConfig()
        timing.mark("config")
        let store = try openStore(config)
        timing.mark("store")
        let extra = SearchPathCatalog.split(pluginPath + (environment["KAI_PLUGIN_PATH"].map { [$0] } ?? []))
        let catalog = ConfigCatalog(
            config: config, extraPaths: extra,
            excludedDirectory: noBundledPlugins ? SearchPathCatalog.executableDirectory() : nil, environment: environment)
        let host = PluginHost.load(from: catalog, cache: store, observer: CallRecordGate(store: store), statusGate: store)
        PluginStdout.route(to: host.pluginLogger)  // plugins' stdout, logged scrubbed and visible
        timing.mark("load")
        RegistrySync.record(host, in: store)
        timing.mark("sync")
        if reportFailures {
            for failure in host.failures { Console.warning(TerminalText.visible("skipped plugin \(failure.description)")) }
            for plugin in host.plugins {
                if let problem = plugin.settings.problem { Console.warning(TerminalText.visible(problem)) }
            }
            ShortSecretWarning.report(host)
        }
        return Runtime(config: config, configPath: configLocation.path, store: store, host: host)
    }

    private var effectiveLogLevel: Logger.Level {
        let name = logLevel ?? environment["KAI_LOG_LEVEL"] ?? "warning"
        return Logger.Level(rawValue: name) ?? .warning
    }
}

/// What a command works with once plugins are loaded.
struct Runtime {
    let config: OperatorConfig
    let configPath: String
    let store: RegistryStore
    let host: PluginHost
}

enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false  // only touched from the main thread, before any plugin runs

    static func once(level: Logger.Level) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// KAI_TIMING=1 prints how long each start-up phase took, on stderr.
final class StartupTiming {
    let enabled: Bool
    private var last = MonotonicClock.now()

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func mark(_ phase: String) {
        guard enabled else { return }
        let now = MonotonicClock.now()
        Console.note(String(format: "kai: timing: %@ %.2f ms", phase, Double(now - last) / 1e6))
        last = now
    }
}
