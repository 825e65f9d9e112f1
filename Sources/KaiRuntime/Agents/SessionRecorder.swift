import Foundation
import KaiCore
import KaiJSON
import KaiRegistry

/// One run's session record: its events, in order, and its state after
/// every step (so Ctrl-C, a pause, or a crash leaves it resumable), queued
/// here and written by the runtime's SessionWriter — every run's queued
/// records in one transaction on one thread — so recording costs an agent's
/// step a queue append rather than a commit. Events alone do not ask for a
/// write: they go with the next saved state (every step saves one), which
/// the writer commits within its gather window (SessionWriter.gatherSeconds).
/// `close()` waits until everything queued is written, before the run's
/// outcome is returned; `flush()` has it written at once without waiting
/// (before the run waits on a person). A failed write is told to the operator once
/// and the run goes on: the session is a record, and losing it must not
/// lose the run's work.
final class SessionRecorder: @unchecked Sendable {
    // @unchecked: every var below is read and written only with `condition` locked.
    let writer: SessionWriter
    let sessionID: String
    let diagnostics: any RuntimeDiagnostics
    /// The session's totals before this invocation.
    let earlier: RunBudget.Totals
    private let condition = NSCondition()
    private var events: [SessionEventDraft] = []
    /// The latest state; earlier ones not yet written are superseded.
    private var update: SessionUpdate?
    /// The writer holds a batch of this recorder's.
    private var writing = false
    private var closing = false
    private var closed = false
    private var warned = false

    init(writer: SessionWriter, sessionID: String, diagnostics: any RuntimeDiagnostics, earlier: RunBudget.Totals) {
        self.writer = writer
        self.sessionID = sessionID
        self.diagnostics = diagnostics
        self.earlier = earlier
    }

    func event(_ kind: String, _ body: JSONValue) {
        let draft = SessionEventDraft(kind: kind, body: body, at: WallClock.now())
        condition.lock()
        let accepted = !closed
        if accepted { events.append(draft) }
        let submit = accepted && closing
        condition.unlock()
        if submit { writer.submit(self, urgent: true) }
    }

    /// Has the writer write what is queued now, without waiting for it.
    func flush() {
        condition.lock()
        let submit = !closed && (!events.isEmpty || update != nil)
        condition.unlock()
        if submit { writer.submit(self, urgent: true) }
    }

    /// Saves status, state and the session's totals (earlier + `spent`).
    func save(status: String, state: JSONValue, spent: RunBudget.Totals) {
        let cost: Double? = earlier.costUSD == nil && spent.costUSD == nil ? nil : (earlier.costUSD ?? 0) + (spent.costUSD ?? 0)
        let next = SessionUpdate(status: status, state: state, inputTokens: earlier.inputTokens + spent.inputTokens,
                                 outputTokens: earlier.outputTokens + spent.outputTokens, costUSD: cost, at: WallClock.now())
        condition.lock()
        let accepted = !closed
        if accepted { update = next }
        let urgent = closing
        condition.unlock()
        if accepted { writer.submit(self, urgent: urgent) }
    }

    /// Writes everything queued, then closes. Later events are dropped.
    func close() {
        condition.lock()
        closing = true
        let submit = !events.isEmpty || update != nil
        condition.unlock()
        if submit { writer.submit(self, urgent: true) }
        condition.lock()
        while !events.isEmpty || update != nil || writing { condition.wait() }
        closed = true
        condition.unlock()
    }

    /// The writer's side: what is queued, taken (nil: nothing).
    func take() -> SessionWriter.Batch? {
        condition.lock()
        defer { condition.unlock() }
        guard !events.isEmpty || update != nil else { return nil }
        let batch = SessionWriter.Batch(id: sessionID, events: events, update: update)
        events = []
        update = nil
        writing = true
        return batch
    }

    /// The writer's side: the batch taken is written, or failed.
    func written(_ failure: StoreError?) {
        condition.lock()
        writing = false
        let warn = failure != nil && !warned
        if warn { warned = true }
        condition.broadcast()
        condition.unlock()
        if warn, let failure {
            diagnostics.warning("session \(sessionID) could not be recorded in the registry (\(failure.message)); the run goes on, "
                + "but kai sessions and --resume may not see all of it. Check the registry with kai doctor.")
        }
    }
}
