/// What a caller asks of the router for one provider call.
public struct RouteRequest: Sendable, Equatable {
    /// How much a wrong answer would cost: a high-risk request goes only to
    /// providers the operator marked `tier: strong`.
    public enum Risk: String, Sendable, CaseIterable {
        case low
        case high
    }

    /// -m: "provider" or "provider/model"; nil lets the router pick by score.
    public var explicit: String?
    /// The kind of task (e.g. "coding"): ranks the targets by their score
    /// for it, and is recorded with the call.
    public var taskType: String?
    public var risk: Risk

    public init(explicit: String? = nil, taskType: String? = nil, risk: Risk = .low) {
        self.explicit = explicit
        self.taskType = taskType
        self.risk = risk
    }
}
