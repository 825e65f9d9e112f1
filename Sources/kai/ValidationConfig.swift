import Foundation
import KaiCore
import KaiJSON
import KaiRegistry

/// The plugin configuration `kai plugins validate` hands create(), so a
/// plugin whose configSchema has required keys can be validated: a JSON
/// file (`--plugin-config`), or the operator config's entry for the plugin
/// (`--entry`, with its secrets resolved from the environment as kai does).
enum ValidationConfig {
    /// The JSON object in `path`.
    static func fromFile(_ path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExitCodes.fail(
                "cannot read --plugin-config file '\(path)': no such readable file. Give the path of a JSON file holding the plugin's config object.",
                ExitCodes.usage)
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(data))
        } catch {
            throw ExitCodes.fail(
                "--plugin-config file '\(path)' is not valid JSON: \(error.description). Give a JSON object with the plugin's config.",
                ExitCodes.badArguments)
        }
        guard case .object = value else {
            throw ExitCodes.fail(
                "--plugin-config file '\(path)' holds \(value.kindName), not an object. A plugin's config is a JSON object, e.g. {\"endpoint\": \"https://...\"}.",
                ExitCodes.badArguments)
        }
        return value
    }

    /// The config and secrets of the operator config's entry with `id`.
    static func fromEntry(_ id: String, configFile: String?, environment: [String: String]) throws -> (JSONValue, [String: PluginSettings.Secret]) {
        let location = ConfigLocation.resolve(explicit: configFile, environment: environment)
        let config: OperatorConfig
        do {
            config = try ConfigLoader.load(path: location.path, environment: environment)
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.config)
        }
        guard let entry = config.entry(forPluginID: id) else {
            let ids = config.entries.compactMap(\.id).sorted()
            throw ExitCodes.fail(
                "no entry with id \"\(id)\" in \(location.path). Entries with an id: \(ids.isEmpty ? "none" : ids.joined(separator: ", ")). "
                    + "Add \"- id: \(id)\" with its config under plugins, or give --plugin-config FILE.json.",
                ExitCodes.notFound)
        }
        var secrets: [String: PluginSettings.Secret] = [:]
        do {
            let resolved = try SecretResolver(environment: environment).resolve(entry, pluginID: id, file: config.file)
            for (key, value) in resolved.values {
                secrets[key] = PluginSettings.Secret(value: value.stringValue ?? "", redacted: resolved.redacted[key]?.stringValue ?? "<secret>")
            }
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.config)
        }
        return (entry.config, secrets)
    }
}

private extension JSONValue {
    /// "an array", "a string"...: what a value is, for messages.
    var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .bool: "a boolean"
        case .null: "null"
        default: "a number"
        }
    }
}
