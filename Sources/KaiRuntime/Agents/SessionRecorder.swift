import KaiCore
import KaiJSON
import KaiRegistry
import Synchronization

/// Writes one run's session to the registry: its events, in order, and its
/// state after every step (so Ctrl-C, a pause, or a crash leaves it
/// resumable). A failed write is told to the operator once and the run goes
/// on: the session is a record, and losing it must not lose the run's work.
final class SessionRecorder: Sendable {
    let store: RegistryStore
    let sessionID: String
    let diagnostics: any RuntimeDiagnostics
    /// The session's totals before this invocation.
    let earlier: RunBudget.Totals
    private let warned = Atomic<Bool>(false)

    init(store: RegistryStore, sessionID: String, diagnostics: any RuntimeDiagnostics, earlier: RunBudget.Totals) {
        self.store = store
        self.sessionID = sessionID
        self.diagnostics = diagnostics
        self.earlier = earlier
    }

    func event(_ kind: String, _ body: JSONValue) {
        do throws(StoreError) {
            _ = try store.appendSessionEvent(sessionID: sessionID, kind: kind, body: body, at: WallClock.now())
        } catch {
            failed(error)
        }
    }

    /// Saves status, state and the session's totals (earlier + `spent`).
    func save(status: String, state: JSONValue, spent: RunBudget.Totals) {
        let cost: Double? = earlier.costUSD == nil && spent.costUSD == nil ? nil : (earlier.costUSD ?? 0) + (spent.costUSD ?? 0)
        do throws(StoreError) {
            try store.updateSession(id: sessionID, status: status, state: state, inputTokens: earlier.inputTokens + spent.inputTokens,
                                    outputTokens: earlier.outputTokens + spent.outputTokens, costUSD: cost, at: WallClock.now())
        } catch {
            failed(error)
        }
    }

    private func failed(_ error: StoreError) {
        guard !warned.exchange(true, ordering: .acquiringAndReleasing) else { return }
        diagnostics.warning("session \(sessionID) could not be recorded in the registry (\(error.message)); the run goes on, "
            + "but kai sessions and --resume may not see all of it. Check the registry with kai doctor.")
    }
}
