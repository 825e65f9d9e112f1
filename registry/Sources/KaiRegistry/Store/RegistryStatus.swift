/// What `kai registry status` shows.
public struct RegistryStatus: Sendable, Equatable {
    public struct FailedPlugin: Sendable, Equatable {
        public init(id: String, path: String, reason: String) {
            self.id = id
            self.path = path
            self.reason = reason
        }

        public var id: String
        public var path: String
        public var reason: String
    }

    public var plugins: Int
    /// Plugins per effective status; every status present, zero when none.
    public var pluginsByStatus: [EffectivePluginStatus: Int]
    public var capabilities: Int
    /// Calls recorded across all capabilities.
    public var calls: Int
    /// Mean all-task-types score over every capability (prior for those
    /// without calls); nil when there are no capabilities.
    public var averageScore: Double?
    /// Capabilities per tag.
    public var coverage: [String: Int]
    /// Sorted by id.
    public var failedPlugins: [FailedPlugin]

    public var active: Int { pluginsByStatus[.active] ?? 0 }
    public var inactive: Int { pluginsByStatus[.inactive] ?? 0 }
}
