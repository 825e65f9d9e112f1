import Foundation
import KaiCore
import KaiJSON
import KaiRegistry

/// Writes one run's session to the registry: its events, in order, and its
/// state after every step (so Ctrl-C, a pause, or a crash leaves it
/// resumable). A writer thread of its own commits what has queued up in one
/// transaction, so recording costs an agent's step a queue append rather
/// than a commit per event. `close()` writes the rest before the run's
/// outcome is returned. A failed write is told to the operator once and the
/// run goes on: the session is a record, and losing it must not lose the
/// run's work.
final class SessionRecorder: @unchecked Sendable {
    // @unchecked: every var below is read and written only with `condition` locked.
    let store: RegistryStore
    let sessionID: String
    let diagnostics: any RuntimeDiagnostics
    /// The session's totals before this invocation.
    let earlier: RunBudget.Totals
    private let condition = NSCondition()
    private var events: [SessionEventDraft] = []
    /// The latest state; earlier ones not yet written are superseded.
    private var update: SessionUpdate?
    private var writing = false
    private var closed = false
    private var warned = false

    init(store: RegistryStore, sessionID: String, diagnostics: any RuntimeDiagnostics, earlier: RunBudget.Totals) {
        self.store = store
        self.sessionID = sessionID
        self.diagnostics = diagnostics
        self.earlier = earlier
        let thread = Thread { [self] in writeUntilClosed() }
        thread.name = "kai-session-recorder"
        thread.start()
    }

    func event(_ kind: String, _ body: JSONValue) {
        let draft = SessionEventDraft(kind: kind, body: body, at: WallClock.now())
        locked { events.append(draft) }
    }

    /// Saves status, state and the session's totals (earlier + `spent`).
    func save(status: String, state: JSONValue, spent: RunBudget.Totals) {
        let cost: Double? = earlier.costUSD == nil && spent.costUSD == nil ? nil : (earlier.costUSD ?? 0) + (spent.costUSD ?? 0)
        let next = SessionUpdate(status: status, state: state, inputTokens: earlier.inputTokens + spent.inputTokens,
                                 outputTokens: earlier.outputTokens + spent.outputTokens, costUSD: cost, at: WallClock.now())
        locked { update = next }
    }

    /// Writes everything queued, then stops the writer. Later events are dropped.
    func close() {
        condition.lock()
        while !events.isEmpty || update != nil || writing { condition.wait() }
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func locked(_ body: () -> Void) {
        condition.lock()
        if !closed {
            body()
            condition.broadcast()
        }
        condition.unlock()
    }

    private func writeUntilClosed() {
        condition.lock()
        while true {
            while events.isEmpty && update == nil && !closed { condition.wait() }
            if closed && events.isEmpty && update == nil { break }
            let batch = events, state = update
            events = []
            update = nil
            writing = true
            condition.unlock()
            let failure = write(batch, state)
            condition.lock()
            writing = false
            if let failure, !warned {
                warned = true
                diagnostics.warning("session \(sessionID) could not be recorded in the registry (\(failure.message)); the run goes on, "
                    + "but kai sessions and --resume may not see all of it. Check the registry with kai doctor.")
            }
            condition.broadcast()
        }
        condition.unlock()
    }

    private func write(_ batch: [SessionEventDraft], _ state: SessionUpdate?) -> StoreError? {
        do throws(StoreError) {
            try store.recordSession(id: sessionID, events: batch, update: state)
            return nil
        } catch {
            return error
        }
    }
}
