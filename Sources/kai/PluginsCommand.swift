import ArgumentParser
import KaiCore
import KaiJSON
import KaiRegistry

struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List and inspect plugins.",
        subcommands: [PluginsList.self, PluginsInfo.self, PluginsEnable.self, PluginsDisable.self, PluginsValidate.self]
    )
}

struct PluginsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List plugins, including those that failed to load and why.")

    @OptionGroup var runtime: RuntimeOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        let runtime = try runtime.openRuntime(reportFailures: false)
        let host = runtime.host
        if json {
            let loaded = host.plugins.map { PluginJSON.summary($0, status: PluginStatusView(plugin: $0, gate: runtime.store)) }
            let disabled = host.disabled.map { plugin -> JSONValue in
                .object(["id": .string(plugin.id), "path": .string(plugin.path), "status": "disabled"])
            }
            let failed = host.failures.map { failure -> JSONValue in
                .object(["path": .string(failure.path), "status": "failed", "error": .string(failure.message)])
            }
            Console.visibleJSON(.array(loaded + disabled + failed))
            return
        }
        var table = TextTable(header: ["ID", "VERSION", "ABI", "TOOLS", "STATUS", "PATH"])
        for plugin in host.plugins {
            let manifest = plugin.manifest
            let status = PluginStatusView(plugin: plugin, gate: runtime.store).name
            table.rows.append([manifest.id, manifest.version, "1.\(manifest.abiMinor)", "\(manifest.tools.count)", status, plugin.path])
        }
        for disabled in host.disabled {
            table.rows.append([disabled.id, "-", "-", "-", "disabled", disabled.path])
        }
        for failure in host.failures {
            table.rows.append(["-", "-", "-", "-", "failed", failure.path])
        }
        Console.out(table.visible().render())
        for failure in host.failures { Console.visibleOut("\nfailed: \(failure.description)") }
    }
}

struct PluginsInfo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show a plugin's manifest and status.")

    @OptionGroup var runtime: RuntimeOptions
    @Argument(help: "Plugin id (e.g. dev.kai.text) or path.") var id: String
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        let runtime = try runtime.openRuntime(reportFailures: false)
        let host = runtime.host
        if let failure = host.failures.first(where: { $0.path == id || $0.path.hasSuffix("/" + id) }) {
            throw ExitCodes.fail(failure.description, ExitCodes.unavailable)
        }
        guard let plugin = host.plugins.first(where: { $0.id == id || $0.path == id }) else {
            let known = host.plugins.map(\.id).joined(separator: ", ")
            throw ExitCodes.fail("no plugin with id \"\(id)\". Loaded plugins: \(known.isEmpty ? "none" : known).", ExitCodes.notFound)
        }
        // "status" is the plugin's status as `plugins list` shows it; whether
        // its instance can be created is a separate field, "instance".
        let status = PluginStatusView(plugin: plugin, gate: runtime.store)
        let (instance, problem) = Self.instantiate(plugin, host: host, gate: runtime.store)
        defer { host.shutdown() }
        if json {
            var object = PluginJSON.summary(plugin, status: status).objectValue ?? [:]
            object["instance"] = .string(instance)
            if let problem { object["error"] = .string(problem) }
            object["manifest"] = plugin.manifest.json
            Console.visibleJSON(.object(object))
            return
        }
        Console.visibleOut(PluginJSON.text(plugin, status: status, instance: instance, problem: problem))
    }

    /// Creates the instance where the plugin's isolation says (see
    /// PluginHost.instantiate) — unless supervision disabled the plugin, or
    /// its status cannot be read: then its code is not run at all (fail
    /// closed, as for calls). Returns the "instance" field and the problem.
    static func instantiate(_ plugin: LoadedPlugin, host: PluginHost, gate: some PluginStatusGate) -> (String, String?) {
        do {
            if try gate.disabledReason(plugin: plugin.id) != nil {
                return ("not created", "the plugin is disabled by supervision, so its code is not run")
            }
        } catch {
            return ("not created", "its status in the registry cannot be read, so its code is not run: \(error.reason)")
        }
        do {
            try host.instantiate(plugin)
            return ("ready", nil)
        } catch {
            return ("failed", error.message)
        }
    }
}

/// The JSON and text shapes of a plugin in listings.
enum PluginJSON {
    static func summary(_ plugin: LoadedPlugin, status: PluginStatusView) -> JSONValue {
        let manifest = plugin.manifest
        var object: JSONObject = ["id": .string(manifest.id), "version": .string(manifest.version)]
        if let name = manifest.name { object["name"] = .string(name) }
        object["abiMinor"] = .integer(manifest.abiMinor)
        object["path"] = .string(plugin.path)
        object["status"] = .string(status.name)
        if let reason = status.reason { object["statusReason"] = .string(reason) }
        object["capabilities"] = .array(manifest.capabilities.map { capability in
            .object(["kind": .string(capability.kind.rawValue), "name": .string(capability.name)])
        })
        return .object(object)
    }

    static func text(_ plugin: LoadedPlugin, status: PluginStatusView, instance: String, problem: String?) -> String {
        let manifest = plugin.manifest
        var lines = [
            "id:          \(manifest.id)",
            "name:        \(manifest.name ?? "-")",
            "version:     \(manifest.version)",
            "abi:         1.\(manifest.abiMinor)",
            "path:        \(plugin.path)",
            "status:      \(status.name)" + (status.reason.map { " — \($0)" } ?? ""),
            "instance:    \(instance)" + (problem.map { " — \($0)" } ?? ""),
        ]
        if let description = manifest.description { lines.append("description: \(description)") }
        lines.append("capabilities:")
        for capability in manifest.capabilities {
            lines.append("  \(capability.kind.rawValue) \(capability.name) [\(capability.concurrency.rawValue)] — \(capability.description)")
        }
        if let schema = manifest.configSchema {
            lines.append("config schema:")
            lines.append(schema.serialized(pretty: true).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        return lines.joined(separator: "\n")
    }
}
