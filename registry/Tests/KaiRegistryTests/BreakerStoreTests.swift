import Foundation
import KaiCore
import Synchronization
@testable import KaiRegistry
import Testing

/// provider_breakers: each target's circuit breaker, read and written in one
/// IMMEDIATE transaction so concurrent kai processes (here: two stores on
/// one file) never both take what only one may (the half-open probe).
struct BreakerStoreTests {
    @Test(arguments: StoreBackendKind.all) func updateBreaker_withoutARow_startsClosed_andWritesOnlyWhatChanged(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        let seen = try fixture.store.updateBreaker(target: "openai/a", now: 100) { $0 }
        #expect(seen == BreakerRecord(target: "openai/a", now: 100))
        #expect(try fixture.store.breakers().isEmpty, "reading a closed circuit writes nothing")

        try fixture.store.updateBreaker(target: "openai/a", now: 101) { record in
            record.state = .open
            record.failureTimes = [99.5, 100.25]
            record.openUntil = 131
            record.openReason = "2 failures in 60 s"
        }
        let stored = try #require(try fixture.store.breakers()["openai/a"])
        #expect(stored.state == .open)
        #expect(stored.failureTimes == [99.5, 100.25])
        #expect(stored.openUntil == 131 && stored.openReason == "2 failures in 60 s" && stored.updatedAt == 101)
    }

    @Test(arguments: StoreBackendKind.all) func updateBreaker_fromTwoStoresOnOneFile_letsExactlyOneClaimTheProbe(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        let other = try fixture.another()
        try fixture.store.updateBreaker(target: "t", now: 0) { $0.state = .halfOpen }
        // Many claimants at once, half through each store: the claim is
        // read-check-write in one transaction, so one wins.
        let winners = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            let store = index % 2 == 0 ? fixture.store : other
            let won = (try? store.updateBreaker(target: "t", now: 1) { record -> Bool in
                guard record.probeOwner == nil else { return false }
                record.probeOwner = "call-\(index)"
                record.probeExpires = 31
                return true
            }) ?? false
            if won { winners.withLock { $0 += 1 } }
        }
        #expect(winners.withLock { $0 } == 1)
        #expect(try other.breakers()["t"]?.probeOwner != nil)
    }

    @Test(arguments: StoreBackendKind.all) func callLog_keepsARoutedCallsHops_asJSON(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        let hops = [RouteHop(target: "openai/a", errorKind: "toolFailed", code: "UNAVAILABLE", message: "HTTP 500"),
                    RouteHop(target: "b", errorKind: RouteHop.circuitOpen, message: "open until 10:00:00")]
        fixture.store.callFinished(CallReport(
            tool: "p.openai", plugin: "p", capabilityKind: .provider, startedAt: 1, durationNanoseconds: 1, code: .ok,
            errorKind: nil, taskType: nil, arguments: [], result: [], depth: 0, routeHops: hops))
        fixture.store.callFinished(report("p", "t", ok: true, seconds: 0.1, taskType: nil, startedAt: 2))
        let rows = try fixture.store.logs()
        #expect(rows.map(\.route) == [nil, #"[{"target":"openai/a","error_kind":"toolFailed","code":"UNAVAILABLE","message":"HTTP 500"},{"target":"b","error_kind":"circuitOpen","message":"open until 10:00:00"}]"#])
        #expect(rows[1].route.flatMap(RouteHop.parse) == hops)
    }

    /// routingBreaker answers from a short-lived cache (no database read per
    /// routed call), but a breaker this process writes — through any store
    /// on the file — is read afresh by the next call at once.
    @Test(arguments: StoreBackendKind.all) func routingBreaker_afterAWriteThroughAnotherStoreOfThisProcess_readsItAfresh(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        let other = try fixture.another()
        #expect(try fixture.store.routingBreaker(target: "t").state == .closed, "no row: closed (and now cached)")
        try other.updateBreaker(target: "t", now: 5) { record in
            record.state = .open
            record.openUntil = 65
        }
        let seen = try fixture.store.routingBreaker(target: "t")
        #expect(seen.state == .open && seen.openUntil == 65)
        #expect(try fixture.store.routingBreaker(target: "elsewhere") == BreakerRecord(target: "elsewhere", now: 0))
    }
}
