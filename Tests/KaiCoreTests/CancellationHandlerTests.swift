import Dispatch
@testable import KaiCore
import Synchronization
import Testing

/// CancellationToken.whenCancelled: what a run links its own token to its
/// caller's with (no thread watching the caller's token).
struct CancellationHandlerTests {
    final class Count: Sendable {
        private let value = Atomic<Int>(0)
        func add() { value.add(1, ordering: .relaxed) }
        var now: Int { value.load(ordering: .relaxed) }
    }

    @Test func aHandler_isToldOnce_onCancel_andNeverAfterStopWatching() {
        let token = CancellationToken()
        let told = Count(), stopped = Count()
        _ = token.whenCancelled { told.add() }
        let gone = token.whenCancelled { stopped.add() }
        token.stopWatching(gone)
        #expect(told.now == 0, "not before the cancel")
        token.cancel()
        token.cancel()
        #expect(told.now == 1)
        #expect(stopped.now == 0)
    }

    @Test func aHandler_onATokenCancelledAlready_isToldAtOnce() {
        let token = CancellationToken()
        token.cancel()
        let told = Count()
        _ = token.whenCancelled { told.add() }
        #expect(told.now == 1)
    }

    /// Registrations racing a cancel: each handler runs exactly once.
    @Test func handlersRacingACancel_areEachToldExactlyOnce() {
        for _ in 0..<50 {
            let token = CancellationToken()
            let told = Count()
            DispatchQueue.concurrentPerform(iterations: 9) { index in
                if index == 4 { token.cancel() } else { _ = token.whenCancelled { told.add() } }
            }
            #expect(told.now == 8)
        }
    }
}
