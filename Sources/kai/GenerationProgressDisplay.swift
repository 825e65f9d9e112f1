import Foundation
import KaiEval
import Synchronization

/// Generation progress on stderr: a live line on a terminal, a plain line
/// every few seconds otherwise.
final class GenerationProgressDisplay: Sendable {
    private let terminal = isatty(2) == 1
    private let lastPrinted = Mutex<Double>(-1)

    var update: @Sendable (GenerationProgress) -> Void {
        { [self] progress in self.show(progress) }
    }

    private func show(_ progress: GenerationProgress) {
        let interval = terminal ? 0.1 : 5
        let due = lastPrinted.withLock { last -> Bool in
            guard progress.done == progress.total || last < 0 || progress.elapsed - last >= interval else { return false }
            last = progress.elapsed
            return true
        }
        guard due else { return }
        let perSample = progress.done > 0 ? progress.elapsed / Double(progress.done) : 0
        let eta = String(format: "%.0f s", perSample * Double(progress.total - progress.done))
        let text = "generate: \(progress.done)/\(progress.total), \(progress.failed) failed, "
            + String(format: "%.2f s/sample", perSample) + ", ETA \(eta)"
        terminal ? Console.raw(2, "\r\(text)  ") : Console.note(text)
    }

    func finish() {
        if terminal && lastPrinted.withLock({ $0 >= 0 }) { Console.raw(2, "\n") }
    }
}
