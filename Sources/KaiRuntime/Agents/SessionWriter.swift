import Foundation
import KaiRegistry

/// Writes the session records of every run of one runtime: one thread, and
/// what all runs queued since the last commit in one transaction. With
/// many runs at once this keeps commits (and the writers' contention on
/// the database) from growing with the runs; with one, it saves a thread
/// per run. The thread starts on demand and ends after a second idle.
final class SessionWriter: @unchecked Sendable {
    // @unchecked: `ready` and `running` are used only with `condition` locked.
    struct Batch {
        let id: String
        let events: [SessionEventDraft]
        let update: SessionUpdate?
    }

    let store: RegistryStore
    private let condition = NSCondition()
    private var ready: [SessionRecorder] = []
    private var running = false
    static let idleSeconds = 1.0

    init(store: RegistryStore) {
        self.store = store
    }

    /// Asks for `recorder`'s queue to be written.
    func submit(_ recorder: SessionRecorder) {
        condition.lock()
        if !ready.contains(where: { $0 === recorder }) { ready.append(recorder) }
        if !running {
            running = true
            let thread = Thread { [self] in writeUntilIdle() }
            thread.name = "kai-session-writer"
            thread.start()
        }
        condition.signal()
        condition.unlock()
    }

    private func writeUntilIdle() {
        condition.lock()
        while true {
            if ready.isEmpty {
                _ = condition.wait(until: Date(timeIntervalSinceNow: Self.idleSeconds))
                if ready.isEmpty {
                    running = false
                    break
                }
                continue
            }
            let recorders = ready
            ready = []
            condition.unlock()
            write(recorders)
            condition.lock()
        }
        condition.unlock()
    }

    private func write(_ recorders: [SessionRecorder]) {
        let taken = recorders.compactMap { recorder in recorder.take().map { (recorder, $0) } }
        guard !taken.isEmpty else { return }
        do throws(StoreError) {
            try store.recordSessions(taken.map { ($0.1.id, $0.1.events, $0.1.update) })
            for (recorder, _) in taken { recorder.written(nil) }
        } catch {
            // One session's failure (e.g. deleted by a prune) must not lose the others': one by one.
            for (recorder, batch) in taken {
                do throws(StoreError) {
                    try store.recordSession(id: batch.id, events: batch.events, update: batch.update)
                    recorder.written(nil)
                } catch {
                    recorder.written(error)
                }
            }
        }
    }
}
