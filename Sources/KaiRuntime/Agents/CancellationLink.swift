import KaiCore

/// Cancels a run's own token when the caller's (Ctrl-C) is cancelled. The
/// run needs a token of its own because the host also cancels it (budget,
/// pause, a stopped run), and the caller's token must then stay untouched.
/// The caller's token tells the link when it is cancelled
/// (CancellationToken.whenCancelled): no thread per run watching it.
final class CancellationLink: Sendable {
    private let parent: CancellationToken
    private let id: Int

    init(watching parent: CancellationToken, onCancel: @escaping @Sendable () -> Void) {
        self.parent = parent
        id = parent.whenCancelled(onCancel)
    }

    /// Stops watching (the run ended).
    func end() {
        parent.stopWatching(id)
    }
}
