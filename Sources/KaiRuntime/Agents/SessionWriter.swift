import Foundation
import KaiCore
import KaiRegistry

/// Writes the session records of every run of one runtime: one thread, and
/// what all runs queued since the last commit in one transaction. With
/// many runs at once this keeps commits (and the writers' contention on
/// the database) from growing with the runs; with one, it saves a thread
/// per run. The thread starts on demand and ends after a second idle.
///
/// Commits are at most `gatherSeconds` apart: a record queued sooner after
/// the last commit waits for the next, with whatever else arrives by then
/// (an agent step saves the session's state every few hundred µs; its
/// commit cost more than the rest of the step's host work). Only the
/// latest state of a session is written: with 50 runs at once, a shorter
/// window wrote nearly every state of every run. A recorder that someone
/// waits on (a run closing, a run about to wait for a person) asks
/// `urgent`: it is written at once, with everything queued. So Ctrl-C, a
/// pause and a run's end leave the session stored before kai says so; a
/// crash of the process (kill -9) loses at most the last `gatherSeconds`
/// of the run's record, and --resume goes on from the state before.
final class SessionWriter: @unchecked Sendable {
    // @unchecked: `ready`, `running`, `idle`, `urgent` and `lastCommit` are used only with `condition` locked.
    struct Batch {
        let id: String
        let events: [SessionEventDraft]
        let update: SessionUpdate?
    }

    let store: RegistryStore
    private let condition = NSCondition()
    private var ready: [SessionRecorder] = []
    private var running = false
    /// The thread waits with nothing to write (a submit wakes it).
    private var idle = false
    /// Someone waits on a queued record: write now.
    private var urgent = false
    /// MonotonicClock time of the last commit's end.
    private var lastCommit: Int64 = 0
    static let idleSeconds = 1.0
    static let gatherSeconds = 0.1

    init(store: RegistryStore) {
        self.store = store
    }

    /// Asks for `recorder`'s queue to be written: within `gatherSeconds`,
    /// or at once when `urgent`.
    func submit(_ recorder: SessionRecorder, urgent: Bool = false) {
        condition.lock()
        if !ready.contains(where: { $0 === recorder }) { ready.append(recorder) }
        if urgent { self.urgent = true }
        if !running {
            running = true
            let thread = Thread { [self] in writeUntilIdle() }
            thread.name = "kai-session-writer"
            thread.start()
        } else if idle || urgent {
            // Gathering, the thread wakes by itself: no wake-up per step.
            condition.signal()
        }
        condition.unlock()
    }

    private func writeUntilIdle() {
        condition.lock()
        while true {
            if ready.isEmpty {
                idle = true
                _ = condition.wait(until: Date(timeIntervalSinceNow: Self.idleSeconds))
                idle = false
                if ready.isEmpty {
                    running = false
                    break
                }
                continue
            }
            waitForTheGatherWindow()
            urgent = false
            let recorders = ready
            ready = []
            condition.unlock()
            write(recorders)
            condition.lock()
            lastCommit = MonotonicClock.now()
        }
        condition.unlock()
    }

    /// Until `gatherSeconds` after the last commit, unless a submit is urgent.
    private func waitForTheGatherWindow() {
        let due = lastCommit + Int64(Self.gatherSeconds * 1e9)
        while !urgent {
            let left = due - MonotonicClock.now()
            if left <= 0 { return }
            _ = condition.wait(until: Date(timeIntervalSinceNow: Double(left) / 1e9))
        }
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
