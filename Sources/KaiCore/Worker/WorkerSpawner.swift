import Foundation
import Glibc

/// Starts every worker process from one thread that lives as long as the
/// host: a worker's PR_SET_PDEATHSIG fires when the *thread* that started
/// it exits, so children of short-lived threads (Dispatch workers, test
/// threads) would be killed at random.
///
/// `@unchecked Sendable`: `jobs` is guarded by `monitor`.
final class WorkerSpawner: @unchecked Sendable {
    static let shared = WorkerSpawner()

    private let monitor = Monitor()
    private var jobs: [() -> Void] = []

    private init() {
        // A write to a dead worker must fail with EPIPE, not kill the host.
        signal(SIGPIPE, SIG_IGN)
        let thread = Thread { [unowned self] in self.serve() }
        thread.name = "kai-worker-spawner"
        thread.start()
    }

    /// Runs `body` on the spawner thread and returns its result.
    func run<R>(_ body: @escaping () -> R) -> R {
        let slot = SpawnSlot<R>()
        monitor.withLock {
            jobs.append { [monitor] in
                let value = body()
                monitor.withLock { slot.value = value }
            }
            monitor.broadcast()
        }
        monitor.lock()
        defer { monitor.unlock() }
        while slot.value == nil { monitor.wait(until: MonotonicClock.noDeadline) }
        return slot.value!
    }

    private func serve() {
        while true {
            monitor.lock()
            while jobs.isEmpty { monitor.wait(until: MonotonicClock.noDeadline) }
            let job = jobs.removeFirst()
            monitor.unlock()
            job()
            monitor.withLock { monitor.broadcast() }
        }
    }
}

/// One job's result, written and read under WorkerSpawner's monitor only.
private final class SpawnSlot<R>: @unchecked Sendable {
    var value: R?
}
