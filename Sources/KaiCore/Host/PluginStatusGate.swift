/// Says whether a plugin may take calls right now, beyond what the
/// operator's config says: a status that outlives one host (supervision
/// disabled the plugin in an earlier process, and only `kai plugins enable`
/// lifts it). The host consults it before every call it routes — nested
/// calls made through kai_host.call_tool included — so every front end (the
/// CLI, the coming MCP server, agent runs) gets the same decision.
///
/// Thread rule: any thread, on the calling thread, before the plugin runs.
/// It must be quick: it is on every call.
public protocol PluginStatusGate: Sendable {
    /// Why plugin `id` must not take calls (e.g. "its worker failed 3 times
    /// within 60 s"), or nil when it may.
    ///
    /// - Throws: when the status cannot be read. The host then refuses the
    ///   call: a read error must never let a disabled plugin run.
    func disabledReason(plugin id: String) throws(PluginStatusUnreadable) -> String?
}

/// A plugin's status could not be read; `reason` says why (and names the
/// fix, e.g. a damaged registry file).
public struct PluginStatusUnreadable: Error, Sendable, CustomStringConvertible {
    public let reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

extension PluginHost {
    /// Refuses a call to `entry`'s plugin when the status gate says it must
    /// not run, or cannot say (fail closed). Runs before the call is
    /// observed: a refused call never ran, so it is not recorded.
    func admit(_ entry: ToolIndex.Entry) throws(CallError) {
        guard let statusGate else { return }
        let reason: String?
        do {
            reason = try statusGate.disabledReason(plugin: entry.plugin.id)
        } catch {
            throw .pluginStatusUnknown(tool: entry.qualifiedName, plugin: entry.plugin.id, reason: error.reason)
        }
        if let reason { throw .pluginDisabled(tool: entry.qualifiedName, plugin: entry.plugin.id, reason: reason) }
    }
}
