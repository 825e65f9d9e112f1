import Foundation
import Yams

/// Turns the composed YAML document into an `OperatorConfig`, checking every
/// key and type and reporting the first problem at its line and column.
struct ConfigDecoder {
    static let topLevelKeys = ["database", "database_password_env", "payload_logging", "plugins", "sandbox", "router", "approvals", "native_tools", "mcp_servers"]

    let file: String
    /// The config file's directory, against which relative paths resolve.
    let baseDirectory: String
    let environment: [String: String]

    func decode(_ root: Node?) throws(ConfigError) -> OperatorConfig {
        var config = OperatorConfig(file: file)
        // An empty file, one with only comments, or a bare `---` loads no plugins.
        guard let root, !isNull(root) else { return config }
        guard case .mapping(let mapping) = root else {
            let keys = Self.topLevelKeys.joined(separator: ", ")
            throw ConfigError(
                .wrongType, file: file, at: YAMLCoreSchema.position(root.mark),
                "the config must be a mapping with the keys \(keys), got \(YAMLCoreSchema.describe(root)).")
        }
        let members = try self.members(of: mapping, allowed: Self.topLevelKeys, in: nil)
        if let database = members["database"], !isNull(database.value) {
            let path = try string(database.value, "database", expected: "a file path or a postgres:// URL")
            // A PostgreSQL URL is checked when the store opens it (it must
            // hold no password) and is never a path to expand.
            config.databasePath = PostgresURL.isPostgres(path)
                ? path : expandPath(path, relativeTo: baseDirectory, environment: environment)
        }
        if let variable = members["database_password_env"], !isNull(variable.value) {
            // Never quoted back: it may be the password pasted by mistake.
            guard case .scalar(let name) = variable.value, SecretResolver.isVariableName(name.string) else {
                throw ConfigError(
                    .invalidValue, file: file, at: YAMLCoreSchema.position(variable.value.mark),
                    "database_password_env must be the name of an environment variable (A-Z, 0-9 and _, not starting with a digit); the value is not shown in case it is the password itself. Put the password in an environment variable (or `kai keys set NAME`) and write its name here.")
            }
            config.databasePasswordVariable = name.string
        }
        if let logging = members["payload_logging"] {
            config.payloadLogging = try bool(logging.value, "payload_logging")
        }
        if let plugins = members["plugins"], !isNull(plugins.value) {
            config.entries = try entries(plugins.value)
        }
        if let servers = members["mcp_servers"], !isNull(servers.value) {
            config.mcpServers = try mcpServers(servers.value)
        }
        if let router = members["router"], !isNull(router.value) {
            config.router = try self.router(router.value)
        }
        if let approvals = members["approvals"], !isNull(approvals.value) {
            config.approvals = try self.approvals(approvals.value)
        }
        if let native = members["native_tools"], !isNull(native.value) {
            config.nativeTools = try nativeTools(native.value)
        }
        if let sandbox = members["sandbox"], !isNull(sandbox.value) {
            // Kept as JSON: the sandbox module reads and checks its own
            // section (the language table); the config only keeps its place.
            var converter = YAMLToJSON(file: file, label: "sandbox")
            config.sandbox = try converter.convert(sandbox.value)
            config.sandboxPosition = YAMLCoreSchema.position(sandbox.value.mark)
        }
        return config
    }

    private func entries(_ node: Node) throws(ConfigError) -> [PluginEntry] {
        guard case .sequence(let sequence) = node else {
            throw wrongType(node, "plugins", "a list of entries (\"- path: …\" or \"- id: …\")")
        }
        var entries: [PluginEntry] = []
        var firstIndexByID: [String: Int] = [:]
        for (index, item) in sequence.enumerated() {
            let entry = try self.entry(item, index: index)
            if let id = entry.id {
                if let first = firstIndexByID[id] {
                    throw ConfigError(
                        .duplicateID, file: file, at: entry.position(ofKey: "id"),
                        "plugin id \"\(id)\" is configured twice: plugins[\(first)] (line \(entries[first].line)) and plugins[\(index)]. Merge the two entries into one.")
                }
                firstIndexByID[id] = index
            }
            entries.append(entry)
        }
        return entries
    }

    // MARK: Shared checks

    typealias Member = (key: Node, value: Node)

    /// The mapping's members by key, rejecting keys not in `allowed`.
    /// `owner` names the mapping in messages (`plugins[1]`); `nil` is the top level.
    func members(of mapping: Node.Mapping, allowed: [String], in owner: String?) throws(ConfigError) -> [String: Member] {
        var members: [String: Member] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key, allowed.contains(scalar.string) else {
                throw unknownKey(key, allowed: allowed, in: owner)
            }
            members[scalar.string] = (key, value)
        }
        return members
    }

    private func unknownKey(_ key: Node, allowed: [String], in owner: String?) -> ConfigError {
        let name = key.scalar?.string ?? YAMLCoreSchema.describe(key)
        var message = owner.map { "unknown key \"\(name)\" in \($0)." } ?? "unknown top-level key \"\(name)\"."
        if let suggestion = KeySuggestion.closest(to: name, in: allowed) {
            message += " Did you mean \"\(suggestion)\"?"
        } else if owner?.hasPrefix("plugins[") == true {
            message += " Plugin settings belong under \"config:\"."
        }
        message += " Allowed keys: \(allowed.joined(separator: ", "))."
        return ConfigError(.unknownKey, file: file, at: YAMLCoreSchema.position(key.mark), message)
    }

    func isNull(_ node: Node) -> Bool {
        if case .scalar = node { return YAMLCoreSchema.tagName(node) == "null" }
        return false
    }

    func bool(_ node: Node, _ name: String) throws(ConfigError) -> Bool {
        if case .scalar(let scalar) = node, YAMLCoreSchema.tagName(node) == "bool" {
            return scalar.string.lowercased() == "true"
        }
        var message = "\(name) must be true or false, got \(YAMLCoreSchema.describe(node))."
        if let text = node.scalar?.string, ["yes", "no", "on", "off", "y", "n"].contains(text.lowercased()) {
            message += " Write true or false: kai reads YAML 1.2, where \(text) is text."
        }
        throw ConfigError(.wrongType, file: file, at: YAMLCoreSchema.position(node.mark), message)
    }

    /// A non-empty string; numbers and other plain scalars are taken as
    /// written, since a path or id like `2024` is still text to the operator.
    func string(_ node: Node, _ name: String, expected: String) throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node, !isNull(node) else {
            throw wrongType(node, name, "text (\(expected))")
        }
        guard !scalar.string.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ConfigError(
                .invalidValue, file: file, at: YAMLCoreSchema.position(node.mark),
                "\(name) must not be empty. Write \(expected), or remove the key.")
        }
        return scalar.string
    }

    func choice<Choice: RawRepresentable & CaseIterable>(
        _ node: Node, _ name: String, as _: Choice.Type
    ) throws(ConfigError) -> Choice where Choice.RawValue == String {
        if case .scalar(let scalar) = node, let value = Choice(rawValue: scalar.string) { return value }
        let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
        throw ConfigError(
            .invalidValue, file: file, at: YAMLCoreSchema.position(node.mark),
            "\(name) must be one of \(allowed), got \(YAMLCoreSchema.describe(node)).")
    }

    func wrongType(_ node: Node, _ name: String, _ expected: String) -> ConfigError {
        ConfigError(
            .wrongType, file: file, at: YAMLCoreSchema.position(node.mark),
            "\(name) must be \(expected), got \(YAMLCoreSchema.describe(node)).")
    }
}
