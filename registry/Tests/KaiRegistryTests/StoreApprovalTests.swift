import Foundation
import KaiJSON
@testable import KaiRegistry
import Synchronization
import Testing

/// Approvals that need other users: created by a paused run, voted on by
/// `kai approvals`, used once by the resumed run.
struct StoreApprovalTests {
    static let arguments: JSONValue = ["path": "/etc/hosts", "content": "x"]

    static func approval(_ id: String, needed: Int = 2, starter: UInt32 = 1000) -> ApprovalRecord {
        ApprovalRecord(
            id: id, sessionID: "s1", tool: "dev.kai.files.write_file", arguments: arguments,
            argumentsHash: RegistryStore.argumentsHash(tool: "dev.kai.files.write_file", arguments: arguments),
            callID: "call_1", needed: needed, starterUID: starter, createdAt: 100)
    }

    static func fixture(_ backend: StoreBackendKind, _ approvals: ApprovalRecord...) throws -> StoreFixture {
        let fixture = try StoreFixture(backend)
        try fixture.store.createSession(StoreSessionTests.session("s1", status: "paused"))
        for approval in approvals { try fixture.store.createApproval(approval) }
        return fixture
    }

    @Test(arguments: StoreBackendKind.all) func createApproval_thenApproval_readsBackEveryField(_ backend: StoreBackendKind) throws {
        let fixture = try Self.fixture(backend, Self.approval("a0123456789"))
        #expect(try fixture.store.approval(id: "a0123456789") == Self.approval("a0123456789"))
        #expect(try fixture.store.approval(id: "a404") == nil)
    }

    @Test(arguments: StoreBackendKind.all) func createApproval_forAnUnknownSession_isRefused(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        #expect(throws: StoreError(.notFound, "registry: no session s1; see kai sessions list")) {
            try fixture.store.createApproval(Self.approval("a1"))
        }
    }

    @Test(arguments: StoreBackendKind.all) func approvals_filtersByStatus_oldestFirst(_ backend: StoreBackendKind) throws {
        var later = Self.approval("a2")
        later.createdAt = 200
        let fixture = try Self.fixture(backend, later, Self.approval("a1"), Self.approval("a3", needed: 1))
        _ = try fixture.store.voteOnApproval(id: "a3", uid: 1001, approve: true, at: 300)
        #expect(try fixture.store.approvals(status: "pending").map(\.id) == ["a1", "a2"])
        #expect(try fixture.store.approvals(status: "approved").map(\.id) == ["a3"])
        #expect(try fixture.store.approvals(status: nil).map(\.id) == ["a1", "a3", "a2"])
        #expect(try fixture.store.approvals(status: "approved").first?.votes == [ApprovalVote(uid: 1001, approve: true, at: 300)])
    }

    @Test(arguments: StoreBackendKind.all) func voteOnApproval_needsTwoDistinctUsers_otherThanTheStarter(_ backend: StoreBackendKind) throws {
        let fixture = try Self.fixture(backend, Self.approval("a1"))
        let first = try fixture.store.voteOnApproval(id: "a1", uid: 1001, approve: true, at: 200)
        #expect(first.status == "pending")
        #expect(first.decidedAt == nil)
        let second = try fixture.store.voteOnApproval(id: "a1", uid: 1002, approve: true, at: 300)
        #expect(second.status == "approved")
        #expect(second.decidedAt == 300)
        #expect(second.votes == [ApprovalVote(uid: 1001, approve: true, at: 200), ApprovalVote(uid: 1002, approve: true, at: 300)])
    }

    @Test(arguments: StoreBackendKind.all) func voteOnApproval_byTheStarter_isRefused_withWhoMustApprove(_ backend: StoreBackendKind) throws {
        let fixture = try Self.fixture(backend, Self.approval("a1b2c3d4e5"))
        #expect(throws: ApprovalVoteError.starterCannotApprove("a1b2c3d4e5", uid: 1000)) {
            try fixture.store.voteOnApproval(id: "a1b2c3d4e5", uid: 1000, approve: true, at: 200)
        }
        #expect(ApprovalVoteError.starterCannotApprove("a1b2c3d4e5", uid: 1000).message
            == "approval a1b2c3d4e5 was requested by uid 1000, who started the run; another user must approve it")
        #expect(try fixture.store.approval(id: "a1b2c3d4e5")?.votes == [])
    }

    @Test(arguments: StoreBackendKind.all) func voteOnApproval_twiceByOneUser_isRefused_andCountsOnce(_ backend: StoreBackendKind) throws {
        let fixture = try Self.fixture(backend, Self.approval("a1b2c3d4e5"))
        _ = try fixture.store.voteOnApproval(id: "a1b2c3d4e5", uid: 1001, approve: true, at: 200)
        #expect(throws: ApprovalVoteError.alreadyVoted("a1b2c3d4e5", uid: 1001)) {
            try fixture.store.voteOnApproval(id: "a1b2c3d4e5", uid: 1001, approve: true, at: 300)
        }
        #expect(ApprovalVoteError.alreadyVoted("a1b2c3d4e5", uid: 1001).message
            == "uid 1001 has already approved a1b2c3d4e5; a second approval must come from another user")
        let read = try #require(try fixture.store.approval(id: "a1b2c3d4e5"))
        #expect(read.status == "pending")
        #expect(read.votes.count == 1)
    }

    @Test(arguments: StoreBackendKind.all) func voteOnApproval_deny_deniesAtOnce_evenAfterAnApproveVote(_ backend: StoreBackendKind) throws {
        let fixture = try Self.fixture(backend, Self.approval("a1", needed: 3))
        _ = try fixture.store.voteOnApproval(id: "a1", uid: 1001, approve: true, at: 200)
        let denied = try fixture.store.voteOnApproval(id: "a1", uid: 1002, approve: false, at: 300)
        #expect(denied.status == "denied")
        #expect(denied.decidedAt == 300)
        #expect(throws: ApprovalVoteError.notPending("a1", status: "denied")) {
            try fixture.store.voteOnApproval(id: "a1", uid: 1003, approve: true, at: 400)
        }
    }

    @Test(arguments: StoreBackendKind.all) func voteOnApproval_onAnUnknownOrDecidedApproval_saysWhatToDo(_ backend: StoreBackendKind) throws {
        let fixture = try Self.fixture(backend, Self.approval("a1b2c3d4e5", needed: 1))
        #expect(throws: ApprovalVoteError.notFound("a0000000000")) {
            try fixture.store.voteOnApproval(id: "a0000000000", uid: 1001, approve: true, at: 200)
        }
        _ = try fixture.store.voteOnApproval(id: "a1b2c3d4e5", uid: 1001, approve: true, at: 200)
        #expect(throws: ApprovalVoteError.notPending("a1b2c3d4e5", status: "approved")) {
            try fixture.store.voteOnApproval(id: "a1b2c3d4e5", uid: 1002, approve: true, at: 300)
        }
        #expect(ApprovalVoteError.notFound("a1b2c3d4e5").message == "no approval a1b2c3d4e5; see kai approvals list")
        #expect(ApprovalVoteError.notPending("a1b2c3d4e5", status: "approved").message
            == "approval a1b2c3d4e5 is already approved (nothing to do)")
        #expect(ApprovalVoteError.notPending("a1b2c3d4e5", status: "denied").message
            == "approval a1b2c3d4e5 is already denied (nothing to do)")
        #expect(ApprovalVoteError.notPending("a1b2c3d4e5", status: "used").message
            == "approval a1b2c3d4e5 was already approved and used (nothing to do)")
    }

    /// Two stores on one file hold separate SQLite connections, as two `kai
    /// approvals approve` processes do: each vote's read and write must be one
    /// transaction, or both voters read one vote and neither approves (or
    /// both do).
    @Test(arguments: StoreBackendKind.all) func voteOnApproval_twoApproversAtOnceFromTwoConnections_exactlyOneApproves(_ backend: StoreBackendKind) throws {
        let ids = (0..<20).map { "a\($0)" }
        let fixture = try Self.fixture(backend)
        for id in ids { try fixture.store.createApproval(Self.approval(id)) }
        let other = try fixture.another()
        let stores = [fixture.store, other]
        let outcomes = Mutex<[String: [String]]>([:])
        for id in ids {
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                let status = (try? stores[i].voteOnApproval(id: id, uid: 1001 + UInt32(i), approve: true, at: 200))?.status ?? "error"
                outcomes.withLock { $0[id, default: []].append(status) }
            }
        }
        for id in ids {
            #expect(outcomes.withLock { $0[id]?.sorted() } == ["approved", "pending"], "approval \(id)")
            #expect(try fixture.store.approval(id: id)?.votes.count == 2)
        }
    }

    @Test(arguments: StoreBackendKind.all) func voteOnApproval_oneUserFromTwoConnectionsAtOnce_countsOnce(_ backend: StoreBackendKind) throws {
        let ids = (0..<20).map { "a\($0)" }
        let fixture = try Self.fixture(backend)
        for id in ids { try fixture.store.createApproval(Self.approval(id)) }
        let stores = [fixture.store, try fixture.another()]
        let refused = Mutex(0)
        for id in ids {
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                do throws(ApprovalVoteError) {
                    _ = try stores[i].voteOnApproval(id: id, uid: 1001, approve: true, at: 200)
                } catch {
                    if case .alreadyVoted = error { refused.withLock { $0 += 1 } }
                }
            }
            #expect(try fixture.store.approval(id: id)?.votes.count == 1)
            #expect(try fixture.store.approval(id: id)?.status == "pending")
        }
        #expect(refused.withLock { $0 } == ids.count)
    }

    @Test(arguments: StoreBackendKind.all) func useApproval_onceApprovedAndForTheSameArguments_only(_ backend: StoreBackendKind) throws {
        let fixture = try Self.fixture(backend, Self.approval("a1", needed: 1), Self.approval("a2", needed: 1))
        let hash = Self.approval("a1").argumentsHash
        #expect(try !fixture.store.useApproval(id: "a1", argumentsHash: hash))  // still pending
        _ = try fixture.store.voteOnApproval(id: "a1", uid: 1001, approve: true, at: 200)
        let other = RegistryStore.argumentsHash(tool: "dev.kai.files.write_file", arguments: ["path": "/etc/passwd", "content": "x"])
        #expect(try !fixture.store.useApproval(id: "a1", argumentsHash: other))
        #expect(try fixture.store.useApproval(id: "a1", argumentsHash: hash))
        #expect(try fixture.store.approval(id: "a1")?.status == "used")
        #expect(try !fixture.store.useApproval(id: "a1", argumentsHash: hash))  // once
        #expect(try !fixture.store.useApproval(id: "a404", argumentsHash: hash))
    }

    @Test func argumentsHash_isSHA256OfToolNewlineAndSortedCompactJSON() throws {
        let arguments = try JSONParser.parse(#"{"b": {"d": [true, null], "c": "x y"}, "a": 1}"#)
        let reordered = try JSONParser.parse(#"{"a":1,"b":{"c":"x y","d":[true,null]}}"#)
        // printf 'write_file\n{"a":1,"b":{"c":"x y","d":[true,null]}}' | sha256sum
        #expect(RegistryStore.argumentsHash(tool: "write_file", arguments: arguments)
            == "9235c7027a0c8c264cba12e253cd52c66abfe0dfb1161b2a38b766000d41938a")
        #expect(RegistryStore.argumentsHash(tool: "write_file", arguments: reordered)
            == RegistryStore.argumentsHash(tool: "write_file", arguments: arguments))
        #expect(RegistryStore.argumentsHash(tool: "read_file", arguments: arguments)
            != RegistryStore.argumentsHash(tool: "write_file", arguments: arguments))
    }

    @Test func newID_isAAndTenLowercaseHexDigits_andRandom() {
        let ids = (0..<100).map { _ in ApprovalRecord.newID() }
        #expect(ids.allSatisfy { $0.wholeMatch(of: /a[0-9a-f]{10}/) != nil }, "\(ids)")
        #expect(Set(ids).count == 100)
    }
}
