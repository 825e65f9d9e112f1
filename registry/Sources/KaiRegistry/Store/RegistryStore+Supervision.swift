import Foundation
import GRDB
import KaiCore

/// Plugins that supervision disabled (a `process` plugin whose worker kept
/// crashing, exiting or hanging). The disable outlives the process that
/// decided it — each `kai` command is a new process — and lasts until the
/// operator runs `kai plugins enable ID`.
extension RegistryStore {
    /// Marks `status_reason` so a later start can tell a supervision disable
    /// from an operator's status (which the config sets and may change).
    public static let supervisionReasonPrefix = "disabled by supervision: "

    /// Error kinds meaning a worker failed (crash, exit, hang killed).
    public static let workerFailureKinds = ErrorKind.allCases.filter(\.isWorkerFailure).map(\.rawValue)

    /// CallObserver: a host in this process disabled the plugin.
    public func pluginDisabled(id: String, reason: String) {
        reporting("disable plugin '\(id)'") {
            try setPluginStatus(id: id, status: .inactive, reason: Self.supervisionReasonPrefix + reason)
        }
    }

    /// Why supervision disabled the plugin, or nil when it did not.
    public func supervisionDisableReason(id: String) throws(StoreError) -> String? {
        do {
            // A cached statement: every call (an agent step makes three) reads this.
            let reason = try pool.read { db in
                try String.fetchOne(db.cachedStatement(sql: "SELECT status_reason FROM plugins WHERE id = ? AND status = 'inactive'"),
                                    arguments: [id])
            }
            guard let reason, reason.hasPrefix(Self.supervisionReasonPrefix) else { return nil }
            return String(reason.dropFirst(Self.supervisionReasonPrefix.count))
        } catch {
            throw wrapping(error, doing: "read the status of plugin '\(id)'")
        }
    }

    /// Worker failures of the plugin logged since `since` (seconds since
    /// 1970), across every process that recorded calls.
    public func workerFailures(plugin: String, since: Double) throws(StoreError) -> Int {
        flush()
        let marks = Array(repeating: "?", count: Self.workerFailureKinds.count).joined(separator: ", ")
        do {
            return try pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call_log WHERE plugin = ? AND started_at >= ? AND error_kind IN (\(marks))",
                                 arguments: StatementArguments([plugin, since] as [any DatabaseValueConvertible]) + StatementArguments(Self.workerFailureKinds)) ?? 0
            }
        } catch {
            throw wrapping(error, doing: "count worker failures of plugin '\(plugin)'")
        }
    }
}

/// The host asks before every call: a plugin supervision disabled (in this
/// process or an earlier one) stays refused until `kai plugins enable`.
extension RegistryStore: PluginStatusGate {
    public func disabledReason(plugin id: String) throws(PluginStatusUnreadable) -> String? {
        do {
            return try supervisionDisableReason(id: id)
        } catch {
            throw PluginStatusUnreadable(reason: error.message)
        }
    }
}
