import Yams

extension ConfigDecoder {
    static let routerKeys = ["breaker", "targets"]
    static let breakerKeys = ["failures", "window_s", "cooldown_s", "successes"]
    static let targetKeys = ["name", "tier", "fallbacks"]

    func router(_ node: Node) throws(ConfigError) -> RouterConfig {
        guard case .mapping(let mapping) = node else {
            throw wrongType(node, "router", "a mapping with the keys \(Self.routerKeys.joined(separator: ", "))")
        }
        let members = try self.members(of: mapping, allowed: Self.routerKeys, in: "router")
        var config = RouterConfig(isConfigured: true)
        if let breaker = members["breaker"], !isNull(breaker.value) {
            config.breaker = try self.breaker(breaker.value)
        }
        if let targets = members["targets"], !isNull(targets.value) {
            config.targets = try self.targets(targets.value)
        }
        return config
    }

    private func breaker(_ node: Node) throws(ConfigError) -> RouterConfig.Breaker {
        guard case .mapping(let mapping) = node else {
            throw wrongType(node, "router.breaker", "a mapping with the keys \(Self.breakerKeys.joined(separator: ", "))")
        }
        let members = try self.members(of: mapping, allowed: Self.breakerKeys, in: "router.breaker")
        var breaker = RouterConfig.Breaker()
        if let value = members["failures"] { breaker.failures = Int(try positive(value.value, "router.breaker.failures", integer: true)) }
        if let value = members["window_s"] { breaker.windowSeconds = try positive(value.value, "router.breaker.window_s", integer: false) }
        if let value = members["cooldown_s"] { breaker.cooldownSeconds = try positive(value.value, "router.breaker.cooldown_s", integer: false) }
        if let value = members["successes"] { breaker.successes = Int(try positive(value.value, "router.breaker.successes", integer: true)) }
        return breaker
    }

    private func targets(_ node: Node) throws(ConfigError) -> [RouterConfig.Target] {
        guard case .sequence(let sequence) = node else {
            throw wrongType(node, "router.targets", "a list of targets (\"- name: openai/gpt-4o\")")
        }
        var targets: [RouterConfig.Target] = []
        for (index, item) in sequence.enumerated() {
            let target = try self.target(item, owner: "router.targets[\(index)]")
            if let first = targets.firstIndex(where: { $0.name == target.name }) {
                throw ConfigError(
                    .duplicateID, file: file, at: target.position,
                    "router target \"\(target.name)\" is listed twice: router.targets[\(first)] and router.targets[\(index)]. Merge the two entries into one.")
            }
            targets.append(target)
        }
        return targets
    }

    private func target(_ node: Node, owner: String) throws(ConfigError) -> RouterConfig.Target {
        guard case .mapping(let mapping) = node else {
            var expected = "a mapping with a name"
            if case .scalar(let scalar) = node, !isNull(node) { expected += " (\"- name: \(scalar.string)\"?)" }
            throw wrongType(node, owner, expected)
        }
        let members = try self.members(of: mapping, allowed: Self.targetKeys, in: owner)
        let position = YAMLCoreSchema.position(node.mark)
        guard let nameMember = members["name"] else {
            throw ConfigError(
                .missingKey, file: file, at: position,
                "\(owner) has no name. Add \"name:\" with a provider, optionally with a model, as -m takes it (openai/gpt-4o, local).")
        }
        var target = RouterConfig.Target(name: try routeName(nameMember.value, "\(owner).name"), position: position)
        if let tier = members["tier"] { target.tier = try choice(tier.value, "\(owner).tier", as: RouterConfig.Tier.self) }
        if let fallbacks = members["fallbacks"], !isNull(fallbacks.value) {
            guard case .sequence(let items) = fallbacks.value else {
                throw wrongType(fallbacks.value, "\(owner).fallbacks", "a list of targets ([anthropic/claude-sonnet-4-5, local])")
            }
            for (index, item) in items.enumerated() {
                let name = try routeName(item, "\(owner).fallbacks[\(index)]")
                guard name != target.name else {
                    throw ConfigError(
                        .invalidValue, file: file, at: YAMLCoreSchema.position(item.mark),
                        "\(owner).fallbacks[\(index)] names the target itself (\"\(name)\"). Remove it: a target's fallbacks are the others to try when it fails.")
                }
                target.fallbacks.append(name)
            }
        }
        return target
    }

    /// "provider" or "provider/model": text that names a provider.
    private func routeName(_ node: Node, _ label: String) throws(ConfigError) -> String {
        let name = try string(node, label, expected: "a provider, optionally with a model (openai/gpt-4o, local)")
        guard !name.hasPrefix("/"), !name.contains(where: \.isWhitespace) else {
            throw ConfigError(
                .invalidValue, file: file, at: YAMLCoreSchema.position(node.mark),
                "\(label) must name a provider, optionally with a model (openai/gpt-4o, local), got \"\(name)\".")
        }
        return name
    }

    /// A number above zero; with `integer`, a whole one.
    func positive(_ node: Node, _ name: String, integer: Bool) throws(ConfigError) -> Double {
        let tag = YAMLCoreSchema.tagName(node)
        let expected = integer ? "a whole number of at least 1" : "a number of seconds above 0"
        guard case .scalar(let scalar) = node, tag == "int" || (!integer && tag == "float"),
              let value = Double(scalar.string), value.isFinite, value > 0, !integer || value >= 1 else {
            throw ConfigError(
                .invalidValue, file: file, at: YAMLCoreSchema.position(node.mark),
                "\(name) must be \(expected), got \(YAMLCoreSchema.describe(node)).")
        }
        return value
    }
}
