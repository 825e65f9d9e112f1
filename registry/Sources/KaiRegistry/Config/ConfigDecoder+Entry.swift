import KaiJSON
import Yams

extension ConfigDecoder {
    static let entryKeys = ["path", "pattern", "id", "enabled", "isolation", "status", "config", "secrets"]

    func entry(_ node: Node, index: Int) throws(ConfigError) -> PluginEntry {
        let owner = "plugins[\(index)]"
        guard case .mapping(let mapping) = node else {
            var expected = "a mapping with a path or an id"
            if case .scalar(let scalar) = node, !isNull(node) { expected += " (\"- path: \(scalar.string)\"?)" }
            throw wrongType(node, owner, expected)
        }
        let members = try self.members(of: mapping, allowed: Self.entryKeys, in: owner)
        var entry = PluginEntry(position: YAMLCoreSchema.position(node.mark) ?? SourcePosition(line: 1, column: 1))
        for (key, member) in members {
            if let position = YAMLCoreSchema.position(member.key.mark) { entry.positions[[key]] = position }
        }
        if let path = members["path"] {
            let text = try string(path.value, "\(owner).path", expected: "a .so file or a directory of them")
            entry.path = expandPath(text, relativeTo: baseDirectory, environment: environment)
        }
        if let pattern = members["pattern"] {
            entry.pattern = try self.pattern(pattern, owner: owner, hasPath: entry.path != nil)
        }
        if let id = members["id"] {
            entry.id = try string(id.value, "\(owner).id", expected: "a plugin's manifest id")
        }
        guard entry.path != nil || entry.id != nil else {
            throw ConfigError(
                .missingKey, file: file, at: entry.position,
                "\(owner) has neither path nor id. Add \"path:\" to load plugins from a file or directory, or \"id:\" to configure a plugin found through another entry.")
        }
        if let enabled = members["enabled"] { entry.enabled = try bool(enabled.value, "\(owner).enabled") }
        if let isolation = members["isolation"] {
            entry.isolation = try choice(isolation.value, "\(owner).isolation", as: Isolation.self)
            entry.isolationIsExplicit = true
        }
        if let status = members["status"] {
            entry.status = try choice(status.value, "\(owner).status", as: PluginStatusOverride.self)
        }
        if let config = members["config"] {
            try decodeConfig(config.value, owner: owner, into: &entry)
        }
        if let secrets = members["secrets"] {
            try decodeSecrets(secrets.value, owner: owner, into: &entry)
        }
        return entry
    }

    private func pattern(_ member: Member, owner: String, hasPath: Bool) throws(ConfigError) -> String {
        let text = try string(member.value, "\(owner).pattern", expected: "a file name glob such as \"libKaiPlugin*.so\"")
        guard hasPath else {
            throw ConfigError(
                .invalidValue, file: file, at: YAMLCoreSchema.position(member.key.mark),
                "\(owner).pattern only applies with a path. Add \"path:\" naming the directory to scan, or remove pattern.")
        }
        guard !text.contains("/") else {
            throw ConfigError(
                .invalidValue, file: file, at: YAMLCoreSchema.position(member.value.mark),
                "\(owner).pattern matches file names, so it cannot contain \"/\", got \"\(text)\". Put the directory in path.")
        }
        return text
    }

    private func decodeConfig(_ node: Node, owner: String, into entry: inout PluginEntry) throws(ConfigError) {
        if isNull(node) { return }
        guard case .mapping = node else { throw wrongType(node, "\(owner).config", "a mapping of settings") }
        var converter = YAMLToJSON(file: file, label: "\(owner).config")
        entry.config = try converter.convert(node)
        for (path, position) in converter.positions { entry.positions[["config"] + path] = position }
    }

    private func decodeSecrets(_ node: Node, owner: String, into entry: inout PluginEntry) throws(ConfigError) {
        if isNull(node) { return }
        guard case .mapping(let mapping) = node else {
            throw wrongType(node, "\(owner).secrets", "a mapping from config key to environment variable name")
        }
        for (key, value) in mapping {
            guard case .scalar(let keyScalar) = key else {
                throw wrongType(key, "a key of \(owner).secrets", "a config key")
            }
            let name = keyScalar.string
            let label = "\(owner).secrets.\(name)"
            // The value is never quoted back: an operator who pasted the
            // secret itself here must not see it echoed into logs.
            guard case .scalar(let valueScalar) = value, SecretResolver.isVariableName(valueScalar.string) else {
                throw ConfigError(
                    .invalidValue, file: file, at: YAMLCoreSchema.position(value.mark),
                    "\(label) must be the name of an environment variable (A-Z, 0-9 and _, not starting with a digit); the value is not shown in case it is the secret itself. Put the secret in an environment variable and write its name here.")
            }
            if entry.config[name] != nil {
                throw ConfigError(
                    .invalidValue, file: file, at: YAMLCoreSchema.position(key.mark),
                    "\(label) is also set under config. Remove it from config: its value comes from \(valueScalar.string).")
            }
            entry.secrets[name] = valueScalar.string
            if let position = YAMLCoreSchema.position(key.mark) { entry.positions[["secrets", name]] = position }
        }
    }
}
