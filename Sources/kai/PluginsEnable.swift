import ArgumentParser
import KaiCore
import KaiRegistry

/// `kai plugins enable|disable ID`: edits the operator config (keeping its
/// comments), which stays the one source of truth for what runs.
struct PluginsEnable: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a plugin in the operator config.")
    @OptionGroup var runtime: RuntimeOptions
    @Argument(help: "Plugin id.") var id: String

    func run() throws { try PluginToggle.set(true, id: id, runtime: runtime) }
}

struct PluginsDisable: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a plugin in the operator config: it is no longer loaded.")
    @OptionGroup var runtime: RuntimeOptions
    @Argument(help: "Plugin id.") var id: String

    func run() throws { try PluginToggle.set(false, id: id, runtime: runtime) }
}

enum PluginToggle {
    static func set(_ enabled: Bool, id: String, runtime options: RuntimeOptions) throws {
        let runtime = try options.openRuntime(reportFailures: false)
        let known = runtime.host.plugins.map(\.id) + runtime.host.disabled.map(\.id)
        guard known.contains(id) else {
            let list = known.sorted().joined(separator: ", ")
            throw ExitCodes.fail("no plugin with id \"\(id)\". Known plugins: \(list.isEmpty ? "none" : list).", ExitCodes.notFound)
        }
        do {
            try ConfigEditor.setEnabled(enabled, pluginID: id, in: runtime.configPath)
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.config)
        }
        do {
            if enabled {
                try runtime.store.setPluginStatus(id: id, status: runtime.host.plugin(id: id)?.status ?? .active, reason: nil)
            } else {
                try runtime.store.setPluginStatus(id: id, status: .inactive, reason: "disabled in \(runtime.configPath)")
            }
        } catch where error.code == .notFound {
            // Never recorded (never loaded): no status in the registry to change.
        } catch {
            throw ExitCodes.fail(registryNotUpdated(enabled, id: id, configPath: runtime.configPath, error), ExitCodes.store)
        }
        Console.out("\(enabled ? "enabled" : "disabled") \(id) in \(runtime.configPath)")
    }

    /// The config was edited but the registry was not: say which half
    /// happened and what it means (an enable does not lift a supervision
    /// disable until the registry write succeeds).
    static func registryNotUpdated(_ enabled: Bool, id: String, configPath: String, _ error: StoreError) -> String {
        let consequence = enabled
            ? "calls to it may stay refused (a supervision disable is lifted only in the registry)"
            : "`kai registry status` may still count it as active"
        return "\(enabled ? "enabled" : "disabled") \(id) in \(configPath), but could not record it in the registry: "
            + "\(error.message). Until then \(consequence): fix the registry and run `kai plugins \(enabled ? "enable" : "disable") \(id)` again."
    }
}
