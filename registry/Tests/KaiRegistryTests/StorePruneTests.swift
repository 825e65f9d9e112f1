import Foundation
import KaiJSON
@testable import KaiRegistry
import Testing

/// `kai logs prune`: old call-log rows and old finished sessions go, with
/// their events and approvals; paused, interrupted and running sessions and scores stay.
struct StorePruneTests {
    @Test(arguments: StoreBackendKind.all) func pruneLogs_deletesCallsStartedBeforeTheCutoff_keepsNewerCallsAndScores(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.plugin("p", [("t", [])])
        fixture.calls("p", "t", count: 5, startedAt: 1_000)  // 1000...1004
        let pruned = try fixture.store.pruneLogs(olderThan: 1_003)
        #expect(pruned.calls == 3)
        #expect(pruned.sessions == 0)
        #expect(try fixture.store.logs(limit: 10).map(\.startedAt) == [1_004, 1_003])
        #expect(try fixture.scalar("SELECT COUNT(*) FROM performance_records", as: Int.self) == 5)
    }

    @Test(arguments: StoreBackendKind.all) func pruneLogs_deletesOldFinishedSessions_withTheirEventsApprovalsAndVotes(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        for (id, status, updated) in [("s-done", "done", 50.0), ("s-failed", "failed", 60), ("s-paused", "paused", 50),
                                      ("s-running", "running", 50), ("s-interrupted", "interrupted", 50), ("s-new", "done", 500)] {
            try fixture.store.createSession(StoreSessionTests.session(id, status: status, updatedAt: updated))
            try fixture.store.appendSessionEvent(sessionID: id, kind: "message", body: ["text": "hi"], at: updated)
        }
        var approval = StoreApprovalTests.approval("a1", needed: 2)
        approval.sessionID = "s-done"
        try fixture.store.createApproval(approval)
        _ = try fixture.store.voteOnApproval(id: "a1", uid: 1001, approve: true, at: 40)
        var kept = StoreApprovalTests.approval("a2", needed: 2)
        kept.sessionID = "s-paused"
        try fixture.store.createApproval(kept)

        let pruned = try fixture.store.pruneLogs(olderThan: 100)
        #expect(pruned.sessions == 2)
        #expect(pruned.calls == 0)
        #expect(try fixture.store.sessions(limit: 10).map(\.id).sorted() == ["s-interrupted", "s-new", "s-paused", "s-running"])
        #expect(try fixture.store.sessionEvents(sessionID: "s-done") == [])
        #expect(try fixture.store.approval(id: "a1") == nil)
        #expect(try fixture.store.approval(id: "a2") != nil)
        #expect(try fixture.scalar("SELECT COUNT(*) FROM approval_votes", as: Int.self) == 0)
        #expect(try fixture.scalar("SELECT COUNT(*) FROM session_events", as: Int.self) == 4)
    }
}
