import KaiCore
import KaiRegistry

/// A loaded plugin's status as every command shows it — `plugins list`
/// and `plugins info` alike: the operator's status from the config, unless
/// the registry's status gate (the one the host consults before each call)
/// refuses it: supervision disabled it (inactive, with the reason), or its
/// status cannot be read ("unknown": calls to it are refused, so it must
/// not show as active).
struct PluginStatusView {
    static let unknown = "unknown"

    let name: String
    let reason: String?

    init(plugin: LoadedPlugin, gate: some PluginStatusGate) {
        do {
            if let why = try gate.disabledReason(plugin: plugin.id) {
                name = PluginStatus.inactive.rawValue
                reason = "disabled by supervision: \(why). Run 'kai plugins enable \(plugin.id)' once it is fixed."
            } else {
                name = plugin.status.rawValue
                reason = nil
            }
        } catch {
            name = Self.unknown
            reason = "cannot read its status in the registry, so calls to it are refused: \(error.reason)"
        }
    }
}
