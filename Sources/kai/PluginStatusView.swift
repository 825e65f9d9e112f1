import KaiCore
import KaiRegistry

/// A loaded plugin's status as every command shows it — `plugins list`
/// and `plugins info` alike: the operator's status from the config, unless
/// supervision disabled the plugin (recorded in the registry until `kai
/// plugins enable`), which makes it inactive with the reason.
struct PluginStatusView {
    let name: String
    let reason: String?

    init(plugin: LoadedPlugin, store: RegistryStore) {
        if let why = try? store.supervisionDisableReason(id: plugin.id) {
            name = PluginStatus.inactive.rawValue
            reason = "disabled by supervision: \(why). Run 'kai plugins enable \(plugin.id)' once it is fixed."
        } else {
            name = plugin.status.rawValue
            reason = nil
        }
    }
}
