import Foundation
import KaiCore

/// Cancels a run's own token when the caller's (Ctrl-C) is cancelled.
/// CancellationToken has no parent link, so a thread watches the caller's
/// token until the run ends: the run needs a token of its own because the
/// host also cancels it (budget, pause, a stopped run), and the caller's
/// token must then stay untouched.
final class CancellationLink: Sendable {
    private let finished = DispatchSemaphore(value: 0)

    init(watching parent: CancellationToken, onCancel: @escaping @Sendable () -> Void) {
        let finished = self.finished
        let thread = Thread {
            while true {
                if parent.isCancelled {
                    onCancel()
                    return
                }
                // Ctrl-C is noticed within 20 ms; the run's end at once.
                if finished.wait(timeout: .now() + .milliseconds(20)) == .success { return }
            }
        }
        thread.name = "kai-run-cancel-link"
        thread.start()
    }

    /// Stops watching (the run ended).
    func end() {
        finished.signal()
    }
}
