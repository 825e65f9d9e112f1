import KaiJSON

/// Secret values for one plugin instance, read from the environment.
///
/// Printing it (description, debugDescription, dump, string interpolation)
/// shows only the redacted form, so a secret cannot leak through a log line.
public struct ResolvedSecrets: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// Config key → secret value; merge into the plugin's config at instance creation only.
    public let values: JSONObject
    /// Config key → `"<secret from ENV_NAME>"`; use for validation and error text.
    public let redacted: JSONObject

    /// `config` with the real secret values merged in (they win over config keys).
    public func merged(into config: JSONValue) -> JSONValue { Self.merge(values, into: config) }

    /// `config` with placeholders merged in, safe to validate and report on.
    public func redacted(into config: JSONValue) -> JSONValue { Self.merge(redacted, into: config) }

    private static func merge(_ secrets: JSONObject, into config: JSONValue) -> JSONValue {
        var object = config.objectValue ?? JSONObject()
        for (key, value) in secrets { object[key] = value }
        return .object(object)
    }

    public var description: String { "ResolvedSecrets(\(JSONValue.object(redacted).serialized(sortedKeys: true)))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted]) }
}

/// Reads the secrets an entry names from an environment, falling back to the
/// user's keys file (`kai keys set NAME`) for a variable that is unset.
public struct SecretResolver: Sendable {
    private let environment: [String: String]
    private let keys: KeysFile

    /// `keys`: the keys file to fall back to; by default the one of
    /// `environment`'s user (`KeysFile.defaultPath`).
    public init(environment: [String: String], keys: KeysFile? = nil) {
        self.environment = environment
        self.keys = keys ?? KeysFile(environment: environment)
    }

    /// Looks up every secret of `entry`; `pluginID` names the plugin in errors.
    /// The environment wins; the keys file is read only when a variable is
    /// unset or empty. A secret in neither is an error naming the key, the
    /// variable and both fixes; a keys file other users can read is refused.
    public func resolve(_ entry: PluginEntry, pluginID: String, file: String) throws(ConfigError) -> ResolvedSecrets {
        var values = JSONObject()
        var redacted = JSONObject()
        var stored: [String: String]?
        for key in entry.secrets.keys.sorted(by: { order(entry, $0) < order(entry, $1) }) {
            let variable = entry.secrets[key]!
            var found = environment[variable].flatMap { $0.isEmpty ? nil : $0 }
            if found == nil {
                if stored == nil { stored = try keys.load() }
                found = stored?[variable].flatMap { $0.isEmpty ? nil : $0 }
            }
            guard let value = found else {
                throw ConfigError(
                    .secretNotSet, file: file, at: entry.position(ofSecret: key),
                    "secret \"\(key)\" of plugin \(pluginID) reads environment variable \(variable), which is not set. Export it before starting kai, or run `kai keys set \(variable)`.")
            }
            values[key] = .string(value)
            redacted[key] = .string("<secret from \(variable)>")
        }
        return ResolvedSecrets(values: values, redacted: redacted)
    }

    /// Document order, so the first missing secret in the file is reported first.
    private func order(_ entry: PluginEntry, _ key: String) -> (Int, Int, String) {
        let position = entry.position(ofSecret: key)
        return (position?.line ?? .max, position?.column ?? .max, key)
    }

    /// Whether `name` is a portable environment variable name (`^[A-Z_][A-Z0-9_]*$`).
    public static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }
}
