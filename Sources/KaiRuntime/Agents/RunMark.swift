/// Why the host ended a run before its agent did: set once (the first
/// reason wins), then the run's token is cancelled so every call in it stops.
struct RunMark: Sendable {
    let status: RunStatus
    /// What happened, for the outcome's message ("the run's token budget (100) is spent").
    let reason: String
    /// Approval ids the run waits for (paused).
    var pending: [String] = []
}
