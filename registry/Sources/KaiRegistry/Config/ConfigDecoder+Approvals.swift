import KaiJSON
import Yams

extension ConfigDecoder {
    static let approvalsKeys = ["tools"]
    static let toolApprovalKeys = ["mode", "approvers", "rules", "mcp"]
    static let approvalRuleKeys = ["when", "mode", "approvers", "mcp"]
    /// More would only be a config that can never be satisfied on a real machine.
    static let maximumApprovers = 10

    func approvals(_ node: Node) throws(ConfigError) -> ApprovalsConfig {
        guard case .mapping(let mapping) = node else {
            throw wrongType(node, "approvals", "a mapping with the key tools")
        }
        let members = try self.members(of: mapping, allowed: Self.approvalsKeys, in: "approvals")
        var config = ApprovalsConfig()
        guard let tools = members["tools"], !isNull(tools.value) else { return config }
        guard case .mapping(let entries) = tools.value else {
            throw wrongType(tools.value, "approvals.tools", "a mapping from tool name to its entry (write_file: { mode: ask })")
        }
        for (key, value) in entries {
            let name = try string(key, "a tool name under approvals.tools", expected: "a tool's short or qualified name")
            config.tools[name] = try toolApproval(value, owner: "approvals.tools.\(name)")
        }
        return config
    }

    /// A tool's entry: a mapping, just its mode (`write_file: deny`), or
    /// nothing (`write_file:`), which names the tool with the defaults: ask.
    private func toolApproval(_ node: Node, owner: String) throws(ConfigError) -> ToolApprovalRule {
        let position = YAMLCoreSchema.position(node.mark)
        if isNull(node) { return ToolApprovalRule(position: position) }
        if case .scalar = node {
            return ToolApprovalRule(mode: try approvalMode(node, "\(owner).mode"), position: position)
        }
        guard case .mapping(let mapping) = node else {
            throw wrongType(node, owner, "a mapping with the keys \(Self.toolApprovalKeys.joined(separator: ", ")), or a mode (allow, ask, deny)")
        }
        let members = try self.members(of: mapping, allowed: Self.toolApprovalKeys, in: owner)
        var entry = ToolApprovalRule(position: position)
        if let mode = members["mode"] { entry.mode = try approvalMode(mode.value, "\(owner).mode") }
        if let approvers = members["approvers"] {
            entry.approvers = try self.approvers(approvers.value, "\(owner).approvers", mode: entry.mode)
        }
        if let mcp = members["mcp"] { entry.mcpAllowed = try mcpClients(mcp.value, "\(owner).mcp") }
        if let rules = members["rules"], !isNull(rules.value) {
            guard case .sequence(let items) = rules.value else {
                throw wrongType(rules.value, "\(owner).rules", "a list of rules (- when: { path: \"/tmp/**\" }, mode: allow)")
            }
            for (index, item) in items.enumerated() {
                entry.rules.append(try rule(item, owner: "\(owner).rules[\(index)]", inheriting: entry))
            }
        }
        return entry
    }

    /// A rule; the mode and approvers it leaves out are the tool entry's.
    private func rule(_ node: Node, owner: String, inheriting entry: ToolApprovalRule) throws(ConfigError) -> ToolApprovalRule.ArgumentRule {
        guard case .mapping(let mapping) = node else {
            throw wrongType(node, owner, "a mapping with the keys \(Self.approvalRuleKeys.joined(separator: ", "))")
        }
        let members = try self.members(of: mapping, allowed: Self.approvalRuleKeys, in: owner)
        guard let when = members["when"], case .mapping(let conditions) = when.value, !conditions.isEmpty else {
            throw ConfigError(
                members["when"] == nil ? .missingKey : .invalidValue, file: file,
                at: YAMLCoreSchema.position((members["when"]?.value ?? node).mark),
                "\(owner).when must name at least one argument and its pattern (when: { path: \"/tmp/**\" }). A rule without a condition is the tool's own mode: set that instead.")
        }
        var patterns: [String: ArgumentPattern] = [:]
        for (key, value) in conditions {
            let argument = try string(key, "an argument name in \(owner).when", expected: "an argument name")
            var converter = YAMLToJSON(file: file, label: "\(owner).when.\(argument)")
            let json = try converter.convert(value)
            patterns[argument] = json.stringValue.map(ArgumentPattern.glob) ?? .value(json)
        }
        let mode = try members["mode"].map { m throws(ConfigError) in try approvalMode(m.value, "\(owner).mode") } ?? entry.mode
        var approvers = mode == .ask ? entry.approvers : 1
        if let value = members["approvers"] { approvers = try self.approvers(value.value, "\(owner).approvers", mode: mode) }
        let mcp = try members["mcp"].map { m throws(ConfigError) in try mcpClients(m.value, "\(owner).mcp") } ?? entry.mcpAllowed
        return ToolApprovalRule.ArgumentRule(when: patterns, mode: mode, approvers: approvers, mcpAllowed: mcp)
    }

    /// `mcp: allow | refuse`: whether MCP clients may make the calls this
    /// entry or rule would ask one user about.
    private func mcpClients(_ node: Node, _ name: String) throws(ConfigError) -> Bool {
        if case .scalar(let scalar) = node, ["allow", "refuse"].contains(scalar.string) { return scalar.string == "allow" }
        let written = node.scalar.map { "'\($0.string)'" } ?? YAMLCoreSchema.describe(node)
        throw ConfigError(
            .invalidValue, file: file, at: YAMLCoreSchema.position(node.mark),
            "\(name): \(written) is not one of allow, refuse; write allow to let MCP clients (kai mcp serve) make the calls this entry would ask about")
    }

    private func approvalMode(_ node: Node, _ name: String) throws(ConfigError) -> ApprovalMode {
        if case .scalar(let scalar) = node, let mode = ApprovalMode(rawValue: scalar.string) { return mode }
        let written = node.scalar.map { "'\($0.string)'" } ?? YAMLCoreSchema.describe(node)
        throw ConfigError(
            .invalidValue, file: file, at: YAMLCoreSchema.position(node.mark),
            "\(name): \(written) is not one of \(ApprovalMode.allCases.map(\.rawValue).joined(separator: ", "))")
    }

    /// 1 (the user at the terminal decides) up to `maximumApprovers`; more
    /// than 1 only where the mode asks.
    private func approvers(_ node: Node, _ name: String, mode: ApprovalMode) throws(ConfigError) -> Int {
        let position = YAMLCoreSchema.position(node.mark)
        guard case .scalar(let scalar) = node, YAMLCoreSchema.tagName(node) == "int", let count = Int(scalar.string),
              (1...Self.maximumApprovers).contains(count) else {
            throw ConfigError(
                .invalidValue, file: file, at: position,
                "\(name): \(YAMLCoreSchema.describe(node)) is not a whole number from 1 to \(Self.maximumApprovers); write 1 (the user at the terminal decides) or 2 or more (that many other users approve with kai approvals)")
        }
        guard count == 1 || mode == .ask else {
            throw ConfigError(
                .invalidValue, file: file, at: position,
                "\(name): \(count) approvers apply only to mode ask (this mode is \(mode.rawValue)); set mode: ask or remove approvers")
        }
        return count
    }
}
