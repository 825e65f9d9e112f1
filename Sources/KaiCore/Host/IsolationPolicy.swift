import Foundation

/// Which isolation a plugin runs under when the operator's config does not
/// choose one — decided by how long the host lives.
///
/// A `kai` command lives for one call: an in-process plugin that hangs or
/// exits is stopped by the command's watchdog and exit guard, and costs
/// one command. Long-running hosts (the MCP server, agent runs) serve models
/// for hours: a third-party plugin in their process could hang every later
/// call, end the host, or read its memory, and nothing can stop a thread
/// that ignores cancellation. So there, a plugin that is not bundled with
/// Kai runs in a worker process (`process`) unless the operator explicitly
/// chose otherwise; bundled plugins (Kai's own, next to the executable) stay
/// in-process. An explicit `isolation:` in the config always wins.
public struct IsolationPolicy: Sendable, Equatable {
    public enum HostLifetime: Sendable, Equatable {
        /// One command, then exit (`kai tools call`).
        case command
        /// Runs for hours on behalf of models (MCP server, agent runs).
        case longRunning
    }

    public var lifetime: HostLifetime

    public init(lifetime: HostLifetime) {
        self.lifetime = lifetime
    }

    /// Today's `kai` commands: the configured isolation, in-process by default.
    public static let command = IsolationPolicy(lifetime: .command)
    /// For long-running hosts: non-bundled plugins default to `process`.
    public static let longRunning = IsolationPolicy(lifetime: .longRunning)

    /// The isolation to use: `configured` when the operator set one, else
    /// the default for this host's lifetime.
    public func isolation(configured: PluginIsolation?, bundled: Bool) -> PluginIsolation {
        if let configured { return configured }
        switch lifetime {
        case .command: return .inprocess
        case .longRunning: return bundled ? .inprocess : .process
        }
    }

    /// `settings` with this policy applied to a plugin at `path`. Settings
    /// whose isolation is explicit, and every setting under `.command`
    /// (whose default is the catalog's own), are left as they are.
    func apply(to settings: PluginSettings, path: String) -> PluginSettings {
        guard lifetime == .longRunning, !settings.isolationIsExplicit else { return settings }
        var settings = settings
        let bundled = SearchPathCatalog.executableDirectory() == (path as NSString).deletingLastPathComponent
        settings.isolation = isolation(configured: nil, bundled: bundled)
        return settings
    }
}
