import Foundation
import Yams

extension ConfigDecoder {
    static let mcpServerKeys = ["id", "command", "args", "env", "secrets", "url", "token_secret", "timeout", "enabled"]

    func mcpServers(_ node: Node) throws(ConfigError) -> [MCPServerEntry] {
        guard case .sequence(let sequence) = node else {
            throw wrongType(node, "mcp_servers", "a list of entries (\"- id: …\" with \"command:\" or \"url:\")")
        }
        var servers: [MCPServerEntry] = []
        for (index, item) in sequence.enumerated() {
            let server = try mcpServer(item, owner: "mcp_servers[\(index)]")
            if let first = servers.firstIndex(where: { $0.id == server.id }) {
                throw ConfigError(
                    .duplicateID, file: file, at: server.positions[["id"]],
                    "MCP server id \"\(server.id)\" is configured twice: mcp_servers[\(first)] (line \(servers[first].line)) and mcp_servers[\(index)]. Give each server its own id.")
            }
            servers.append(server)
        }
        return servers
    }

    private func mcpServer(_ node: Node, owner: String) throws(ConfigError) -> MCPServerEntry {
        guard case .mapping(let mapping) = node else { throw wrongType(node, owner, "a mapping with an id and a command or url") }
        let members = try self.members(of: mapping, allowed: Self.mcpServerKeys, in: owner)
        let position = YAMLCoreSchema.position(node.mark) ?? SourcePosition(line: 1, column: 1)
        guard let idMember = members["id"] else {
            throw ConfigError(.missingKey, file: file, at: position,
                              "\(owner) has no id. Add \"id:\" naming the server; its tools are listed as <id>.<tool>.")
        }
        let id = try string(idMember.value, "\(owner).id", expected: "a name such as time")
        guard Self.isServerID(id) else {
            throw ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(idMember.value.mark),
                              "\(owner).id must be lower-case letters, digits, - and _, starting with a letter (at most 64), got \"\(id)\".")
        }
        let transport: MCPServerEntry.Transport
        switch (members["command"], members["url"]) {
        case (let command?, nil):
            transport = try stdio(command, members, owner: owner)
        case (nil, let url?):
            transport = try http(url, members, owner: owner)
        case (_?, let url?):
            throw ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(url.key.mark),
                              "\(owner) has both command and url. Keep command for a server Kai starts (stdio), or url for one it reaches over HTTP.")
        case (nil, nil):
            throw ConfigError(.missingKey, file: file, at: position,
                              "\(owner) has neither command nor url. Add \"command:\" (with \"args:\") for a server Kai starts, or \"url:\" for a Streamable HTTP server.")
        }
        var server = MCPServerEntry(id: id, transport: transport, position: position)
        for (key, member) in members {
            if let at = YAMLCoreSchema.position(member.key.mark) { server.positions[[key]] = at }
        }
        if case .mapping(let secrets)? = members["secrets"]?.value {
            for (key, _) in secrets {
                if let name = key.scalar?.string, let at = YAMLCoreSchema.position(key.mark) { server.positions[["secrets", name]] = at }
            }
        }
        if let timeout = members["timeout"] { server.timeout = try positive(timeout.value, "\(owner).timeout", integer: false) }
        if let enabled = members["enabled"] { server.enabled = try bool(enabled.value, "\(owner).enabled") }
        return server
    }

    private func stdio(_ command: Member, _ members: [String: Member], owner: String) throws(ConfigError) -> MCPServerEntry.Transport {
        for key in ["token_secret"] where members[key] != nil {
            throw ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(members[key]!.key.mark),
                              "\(owner).\(key) only applies with url. A server Kai starts gets its secrets through \"secrets:\".")
        }
        let text = try string(command.value, "\(owner).command", expected: "a program, e.g. /usr/bin/python3 or uvx")
        let program = text.hasPrefix("~/") || text.hasPrefix("./") || text.hasPrefix("../")
            ? expandPath(text, relativeTo: baseDirectory, environment: environment) : text
        var arguments: [String] = []
        if let args = members["args"], !isNull(args.value) {
            guard case .sequence(let items) = args.value else { throw wrongType(args.value, "\(owner).args", "a list of arguments") }
            for (index, item) in items.enumerated() {
                guard case .scalar(let scalar) = item else { throw wrongType(item, "\(owner).args[\(index)]", "text") }
                arguments.append(scalar.string)
            }
        }
        var plain: [String: String] = [:]
        if let env = members["env"], !isNull(env.value) {
            plain = try variables(env.value, "\(owner).env", secret: false)
        }
        var secrets: [String: String] = [:]
        if let secretsMember = members["secrets"], !isNull(secretsMember.value) {
            secrets = try variables(secretsMember.value, "\(owner).secrets", secret: true)
            if let both = secrets.keys.sorted().first(where: { plain[$0] != nil }) {
                throw ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(secretsMember.key.mark),
                                  "\(owner).secrets.\(both) is also set under env. Remove it from env: its value comes from \(secrets[both]!).")
            }
        }
        return .stdio(command: program, arguments: arguments, environment: plain, secrets: secrets)
    }

    private func http(_ url: Member, _ members: [String: Member], owner: String) throws(ConfigError) -> MCPServerEntry.Transport {
        for key in ["args", "env", "secrets"] where members[key] != nil {
            throw ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(members[key]!.key.mark),
                              "\(owner).\(key) only applies with command. A server reached over HTTP takes a bearer token from \"token_secret:\".")
        }
        let text = try string(url.value, "\(owner).url", expected: "an http:// or https:// URL")
        guard let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(url.value.mark),
                              "\(owner).url must be an http:// or https:// URL such as http://127.0.0.1:8000/mcp, got \"\(text)\".")
        }
        var token: String?
        if let member = members["token_secret"] {
            guard case .scalar(let scalar) = member.value, SecretResolver.isVariableName(scalar.string) else {
                throw ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(member.value.mark),
                                  "\(owner).token_secret must be the name of an environment variable (A-Z, 0-9 and _, not starting with a digit); the value is not shown in case it is the token itself. Put the token in an environment variable and write its name here.")
            }
            token = scalar.string
        }
        return .http(url: text, tokenSecret: token)
    }

    /// A mapping of environment variable names to text; with `secret`, the
    /// values are variable names too (and are never quoted back).
    private func variables(_ node: Node, _ label: String, secret: Bool) throws(ConfigError) -> [String: String] {
        guard case .mapping(let mapping) = node else {
            throw wrongType(node, label, secret ? "a mapping from the server's variable to the name of the variable holding its value"
                                              : "a mapping from variable name to value")
        }
        var result: [String: String] = [:]
        for (key, value) in mapping {
            guard case .scalar(let keyScalar) = key, SecretResolver.isVariableName(keyScalar.string) else {
                throw ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(key.mark),
                                  "a key of \(label) must be an environment variable name (A-Z, 0-9 and _, not starting with a digit), got \(YAMLCoreSchema.describe(key)).")
            }
            guard case .scalar(let valueScalar) = value, !isNull(value) else { throw wrongType(value, "\(label).\(keyScalar.string)", "text") }
            if secret, !SecretResolver.isVariableName(valueScalar.string) {
                throw ConfigError(
                    .invalidValue, file: file, at: YAMLCoreSchema.position(value.mark),
                    "\(label).\(keyScalar.string) must be the name of an environment variable (A-Z, 0-9 and _, not starting with a digit); the value is not shown in case it is the secret itself. Put the secret in an environment variable and write its name here.")
            }
            result[keyScalar.string] = valueScalar.string
        }
        return result
    }

    static func isServerID(_ id: String) -> Bool {
        guard let first = id.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), id.utf8.count <= 64 else { return false }
        return id.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }
}
