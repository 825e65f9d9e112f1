import KaiCore

/// What `RegistryStore.discover` looks for.
public struct DiscoveryQuery: Sendable, Equatable {
    public enum TagMatch: String, Sendable {
        /// At least one of `tags`.
        case any
        /// Every one of `tags`.
        case all
    }

    public var kind: Capability.Kind?
    /// Capability tags such as research or coding; empty matches everything.
    public var tags: [String]
    public var tagMatch: TagMatch
    /// Plugins whose effective status is one of these.
    public var statuses: Set<EffectivePluginStatus>
    /// Rank by this task type's record; nil ranks by all calls ('*').
    public var taskType: String?
    public var limit: Int

    public init(
        kind: Capability.Kind? = nil, tags: [String] = [], tagMatch: TagMatch = .any,
        statuses: Set<EffectivePluginStatus> = [.active], taskType: String? = nil, limit: Int = 10
    ) {
        self.kind = kind
        self.tags = tags
        self.tagMatch = tagMatch
        self.statuses = statuses
        self.taskType = taskType
        self.limit = limit
    }
}

/// One capability found by discovery, with what its score is made of.
public struct ScoredCapability: Sendable, Equatable {
    public var pluginID: String
    public var name: String
    public var kind: Capability.Kind
    /// ScoreModel's score in 0...1; the prior for a capability with no calls.
    public var score: Double
    /// Calls recorded for the query's task type (all calls without one).
    public var calls: Int
    /// Recency-weighted raw success rate; nil with no calls.
    public var successRate: Double?
    /// Recency-weighted mean duration in seconds; nil with no calls.
    public var averageLatencySeconds: Double?
    /// Sorted.
    public var tags: [String]

    public init(
        pluginID: String, name: String, kind: Capability.Kind, score: Double, calls: Int, successRate: Double?,
        averageLatencySeconds: Double?, tags: [String]
    ) {
        self.pluginID = pluginID
        self.name = name
        self.kind = kind
        self.score = score
        self.calls = calls
        self.successRate = successRate
        self.averageLatencySeconds = averageLatencySeconds
        self.tags = tags
    }

    /// Discovery's order: score descending, then plugin id, name and kind
    /// ascending, so equal scores always list the same way.
    static func precedes(_ a: ScoredCapability, _ b: ScoredCapability) -> Bool {
        if a.score != b.score { return a.score > b.score }
        if a.pluginID != b.pluginID { return a.pluginID < b.pluginID }
        if a.name != b.name { return a.name < b.name }
        return a.kind.rawValue < b.kind.rawValue
    }
}
