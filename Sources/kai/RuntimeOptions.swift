import ArgumentParser
import Foundation
import KaiCore
import KaiRegistry
import KaiMCP
import KaiRuntime
import Logging

/// Options every command that loads plugins shares: where the operator
/// config and the registry live, and extra plugins for plugin authors.
struct RuntimeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Operator config file (default: KAI_CONFIG, then $XDG_CONFIG_HOME/kai/kai.yaml, created on first use).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Registry database: a SQLite file or a postgres://USER@HOST[:PORT]/DATABASE URL (default: the config's database, then $XDG_DATA_HOME/kai/registry.sqlite).", valueName: "file-or-url"))
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

    /// The options as the runtime library takes them.
    var settings: RuntimeSettings {
        var settings = RuntimeSettings(configFile: config, databaseFile: database, pluginPaths: pluginPath, loadsBundledPlugins: !noBundledPlugins)
        settings.importers = [MCPToolImporter()]
        return settings
    }

    /// Reads the operator config (writing the default one on first use).
    func loadConfig() throws -> OperatorConfig {
        do throws(RuntimeError) {
            return try KaiRuntime.loadConfig(settings: settings, environment: environment)
        } catch {
            throw RuntimeFailure.exit(error)
        }
    }

    /// Config, store and host together (see KaiRuntime), with kai's process
    /// guarded first and the runtime's diagnostics on stderr.
    func openRuntime(reportFailures: Bool = true, isolation: IsolationPolicy = .command) throws -> KaiRuntime {
        // Before any plugin code runs: its stdout must not reach ours, and
        // its exit() must not end kai silently.
        Console.claimStdout()
        PluginExitGuard.install()
        LoggingBootstrap.once(level: effectiveLogLevel)
        var settings = settings
        settings.reportsLoadProblems = reportFailures
        settings.isolation = isolation
        do throws(RuntimeError) {
            return try KaiRuntime.open(
                settings: settings, environment: environment, diagnostics: ConsoleDiagnostics(), beforeRecording: CallWatchdog.holdLateRecord)
        } catch {
            throw RuntimeFailure.exit(error)
        }
    }

    private var effectiveLogLevel: Logger.Level {
        let name = logLevel ?? environment["KAI_LOG_LEVEL"] ?? "warning"
        return Logger.Level(rawValue: name) ?? .warning
    }
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
