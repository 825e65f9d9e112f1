import Foundation
import KaiCore
import KaiJSON
import KaiJSONSchema

extension PluginValidator {
    /// The load and manifest checks: the scan helper opens the file, calls
    /// the entry function and describe() (a crash or hang kills only the
    /// helper); the manifest it returns is then decoded here, as data.
    func load() -> ((PluginHost, LoadedPlugin)?, [CheckResult]) {
        let started = Stopwatch.now()
        guard access(options.workerExecutable, X_OK) == 0 else {
            let reason = "kai-plugin-worker is not at \(options.workerExecutable), and every check runs the plugin in it. "
                + "Install it next to kai or set KAI_PLUGIN_WORKER."
            return (nil, [CheckResult(.load, .fail, reason, seconds: Stopwatch.seconds(since: started))])
        }
        let settings = PluginSettings(
            config: options.pluginConfig, secrets: options.pluginSecrets, isolation: .process, worker: WorkerSession.policy(options))
        let host = PluginHost.load(
            from: SingleFileCatalog(source: PluginSource(path: path, settings: settings)),
            logger: WorkerSession.silentLogger, scanning: .helper(executable: options.workerExecutable, timeout: options.scanTimeout))
        let seconds = Stopwatch.seconds(since: started)
        if let plugin = host.plugins.first {
            let negotiated = "\(ABIVersion.entrySymbol) answered ABI \(ABIVersion.major).\(plugin.manifest.abiMinor) "
                + "(this host speaks \(ABIVersion.major).\(ABIVersion.minor)) in the scan helper"
            let tools = plugin.manifest.capabilities.count
            return ((host, plugin), [
                CheckResult(.load, .pass, negotiated, seconds: seconds),
                CheckResult(.manifest, .pass, "\(plugin.manifest.id) \(plugin.manifest.version), \(tools) capabilit\(tools == 1 ? "y" : "ies")"),
            ])
        }
        guard let failure = host.failures.first else {
            return (nil, [CheckResult(.load, .fail, "the host loaded nothing from \(path) and reported no reason.", seconds: seconds)])
        }
        switch failure.reason {
        case .manifestNotJSON, .manifestInvalid, .manifestMinorMismatch, .duplicateCapability:
            return (nil, [
                CheckResult(.load, .pass, "\(ABIVersion.entrySymbol) and describe() answered in the scan helper", seconds: seconds),
                CheckResult(.manifest, .fail, failure.message),
            ])
        default:
            return (nil, [CheckResult(.load, .fail, failure.message, seconds: seconds)])
        }
    }

    /// Compiles the configSchema and every capability's inputSchema and
    /// outputSchema with the host's JSON Schema compiler.
    func checkSchemas(_ manifest: PluginManifest) -> CheckResult {
        let started = Stopwatch.now()
        var schemas: [(owner: String, field: String, schema: JSONValue)] = []
        if let config = manifest.configSchema { schemas.append(("plugin", "configSchema", config)) }
        for capability in manifest.capabilities {
            if let input = capability.inputSchema { schemas.append((capability.name, "inputSchema", input)) }
            if let output = capability.outputSchema { schemas.append((capability.name, "outputSchema", output)) }
        }
        var findings: [String] = []
        for (owner, field, schema) in schemas {
            do {
                _ = try JSONSchema(schema)
            } catch {
                findings.append("\(owner): the \(field) of \"\(owner)\" is not a valid JSON Schema: \(error.description)")
            }
        }
        return CheckResult.from(.schemas, findings: findings, passReason: "\(schemas.count) schemas compile", started: started)
    }

    /// Starts a worker: entry, describe() and create() with the config the
    /// host would give it: `options.pluginConfig` (none unless given) plus
    /// the configSchema's defaults.
    func checkCreate(_ session: WorkerSession) -> CheckResult {
        let started = Stopwatch.now()
        do {
            try session.host.startWorker(session.plugin)
        } catch {
            let reason: String = switch error {
            case .pluginUnavailable(_, let failure):
                if failure.reason.isAboutConfig {
                    failure.message + "\n  Give the plugin's config: --plugin-config FILE.json, or --entry ID for its operator config entry."
                } else {
                    failure.message
                }
            // The supervisor's advice ("The next call tries again.") is for hosts, not here.
            case .workerUnavailable(_, _, let why): "the worker " + why.replacingOccurrences(of: " The next call tries again.", with: "")
            default: error.description
            }
            return CheckResult(.create, .fail, reason, seconds: Stopwatch.seconds(since: started))
        }
        session.noteStdout(phase: "starting (entry, describe() or create())")
        let pid = session.plugin.workerPID.map { " (pid \($0))" } ?? ""
        return CheckResult(.create, .pass, "create() succeeded in a worker\(pid)", seconds: Stopwatch.seconds(since: started))
    }
}

/// The one file under validation.
struct SingleFileCatalog: PluginCatalog {
    let source: PluginSource
    func pluginSources() -> [PluginSource] { [source] }
}
