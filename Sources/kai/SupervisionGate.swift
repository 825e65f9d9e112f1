import ArgumentParser
import KaiCore
import KaiRegistry

/// Whether a call may reach its plugin, as far as the registry's
/// supervision disable goes (`kai plugins enable ID` lifts it). Fails
/// closed: when the status cannot be read, the call is refused — a read
/// error must never let a disabled plugin run.
enum SupervisionGate {
    static func check(_ entry: ToolIndex.Entry, store: RegistryStore) throws {
        let reason: String?
        do {
            reason = try store.supervisionDisableReason(id: entry.plugin.id)
        } catch {
            throw ExitCodes.fail(
                "cannot read the status of plugin \(entry.plugin.id) in the registry, so the call of \(entry.qualifiedName) "
                    + "was refused (a plugin supervision disabled must not run): \(error.message)",
                ExitCodes.store)
        }
        if let reason {
            let error = CallError.pluginDisabled(tool: entry.qualifiedName, plugin: entry.plugin.id, reason: reason)
            throw ExitCodes.fail(error.description, ExitCodes.forCallError(error))
        }
    }
}
