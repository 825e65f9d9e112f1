import KaiCore
import KaiRegistry

/// One spelling per server: a target name ("openai/gpt-4o", "openai",
/// "dev.kai.openai.openai/gpt-4o") resolved to its provider's qualified
/// capability name, then "/" and the model as written ("dev.kai.openai.openai/gpt-4o");
/// with no model, the qualified name alone (the provider's default model).
/// The circuit breaker, target matching and fallbacks go by this key, so
/// every spelling of one server shares one breaker and one config entry. A
/// name whose provider is not loaded keys as written.
enum TargetKey {
    static func resolve(_ name: String, in index: CapabilityIndex) -> String {
        let parts = name.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let entry = index.lookup(String(parts[0])) else { return name }
        guard parts.count > 1, !parts[1].isEmpty else { return entry.qualifiedName }
        return entry.qualifiedName + "/" + parts[1]
    }

    /// The key of `name`'s provider alone: "dev.kai.openai.openai" for "openai/gpt-4o".
    static func provider(_ name: String, in index: CapabilityIndex) -> String {
        resolve(name.firstIndex(of: "/").map { String(name[..<$0]) } ?? name, in: index)
    }

    /// The config's entry for `name`, matched by key: the target naming the
    /// same provider and model, else the one naming its provider alone.
    static func target(_ name: String, in config: RouterConfig, key: (String) -> String, providerKey: (String) -> String) -> RouterConfig.Target? {
        let wanted = key(name)
        if let exact = config.targets.first(where: { key($0.name) == wanted }) { return exact }
        let provider = providerKey(name)
        return config.targets.first { key($0.name) == provider }
    }
}

extension Router {
    /// The breaker key of a target name (TargetKey).
    public func key(_ name: String) -> String { TargetKey.resolve(name, in: host.providerIndex) }

    /// The router config's entry for a target name, matched by key.
    public func configTarget(_ name: String) -> RouterConfig.Target? {
        let index = host.providerIndex
        return TargetKey.target(name, in: config, key: { TargetKey.resolve($0, in: index) }, providerKey: { TargetKey.provider($0, in: index) })
    }
}
