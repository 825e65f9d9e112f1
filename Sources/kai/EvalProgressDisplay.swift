import Foundation
import KaiEval
import Synchronization

/// Progress on stderr: a live bar on a terminal, a plain line every few
/// seconds otherwise (logs and CI).
final class EvalProgressDisplay: Sendable {
    private let total: Int
    private let terminal = isatty(2) == 1
    private let lastPrinted = Mutex<Double>(0)

    init(total: Int) {
        self.total = total
    }

    var update: @Sendable (EvalProgress) -> Void {
        { [self] progress in self.show(progress) }
    }

    private func show(_ progress: EvalProgress) {
        let interval = terminal ? 0.1 : 5
        let asked = EvalProfile.stamp()
        let (due, got, released) = lastPrinted.withLock { last in
            let got = EvalProfile.stamp()
            guard progress.done == progress.total || progress.elapsed - last >= interval else { return (false, got, EvalProfile.stamp()) }
            last = progress.elapsed
            return (true, got, EvalProfile.stamp())
        }
        EvalProfile.active?.lock("progress display", asked: asked, got: got, released: released)
        guard due else { return }
        let eta = progress.remaining.map { String(format: "%.0f s", $0) } ?? "-"
        let counts = "\(progress.done)/\(progress.total), \(progress.passed) passed, \(String(format: "%.1f", progress.rate))/s, ETA \(eta)"
        if terminal {
            let width = 30
            let filled = progress.total > 0 ? width * progress.done / progress.total : width
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            Console.raw(2, "\r[\(bar)] \(counts)  ")
        } else {
            Console.note("eval: \(counts)")
        }
    }

    func finish() {
        if terminal { Console.raw(2, "\n") }
    }
}
