import Foundation
import KaiCore
@testable import KaiRegistry
import Testing

/// `flushDurably()`: a call whose record could not be written is thrown to
/// whoever acknowledges calls — even when a timed batch dropped it earlier —
/// and thrown once.
struct StoreDurabilityTests {
    @Test(.timeLimit(.minutes(1)))
    func flushDurably_afterAnEarlierBatchWasDropped_throwsItOnce() throws {
        let fixture = try StoreFixture(busyTimeoutSeconds: 0.2)
        try fixture.plugin("p", [("t", [])])
        let holder = try StoreLockingTests.holdLock(fixture.path, seconds: 2)
        // batchSize 1: the call is written (and dropped) as it is queued.
        fixture.calls("p", "t", count: 1)
        holder.waitUntilExit()
        #expect(fixture.errors.all.count == 1, "flush() still reports the dropped batch")
        let lost = try #require(throws: LostCalls.self) { try fixture.store.flushDurably() }
        #expect(lost.count == 1)
        #expect(lost.tools == ["p.t"])
        #expect(lost.cause?.code == .database)
        #expect(lost.cause?.sqliteCode == 5)
        #expect(throws: Never.self) { try fixture.store.flushDurably() }
        fixture.calls("p", "t", count: 1)
        #expect(throws: Never.self) { try fixture.store.flushDurably() }
        #expect(try fixture.store.logs().count == 1)
    }
}
