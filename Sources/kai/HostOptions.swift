import ArgumentParser
import Foundation
import KaiCore
import Logging

/// Options every command that loads plugins shares.
struct HostOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A plugin .so or a directory of them; repeatable, or colon-separated.", valueName: "path"))
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

    /// Builds the host from the search path. Plugins that fail to load are
    /// reported on stderr (unless the caller lists them itself) and skipped.
    func loadHost(reportFailures: Bool = true) -> PluginHost {
        LoggingBootstrap.once(level: effectiveLogLevel)
        let environment = ProcessInfo.processInfo.environment["KAI_PLUGIN_PATH"].map { [$0] } ?? []
        let catalog = SearchPathCatalog(
            entries: SearchPathCatalog.split(pluginPath + environment),
            bundledDirectory: noBundledPlugins ? nil : SearchPathCatalog.executableDirectory()
        )
        let host = PluginHost.load(from: catalog)
        if reportFailures {
            for failure in host.failures { Console.warning("skipped plugin \(failure.description)") }
        }
        return host
    }

    private var effectiveLogLevel: Logger.Level {
        let name = logLevel ?? ProcessInfo.processInfo.environment["KAI_LOG_LEVEL"] ?? "warning"
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
