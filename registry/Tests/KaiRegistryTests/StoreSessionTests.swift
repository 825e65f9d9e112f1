import Foundation
import KaiJSON
@testable import KaiRegistry
import Testing

/// Sessions and their events, as `kai run` writes them and `kai sessions`,
/// resume and continue read them back.
struct StoreSessionTests {
    static func session(_ id: String, status: String = "running", updatedAt: Double = 100) -> SessionRecord {
        SessionRecord(
            id: id, agent: "assistant", status: status, task: "add 2 and 3", starterUID: 1000, createdAt: 100,
            updatedAt: updatedAt, state: ["messages": [["role": "user", "content": "add 2 and 3"]]])
    }

    @Test(arguments: StoreBackendKind.all) func createSession_thenSession_readsBackEveryField(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.createSession(Self.session("s0123456789"))
        #expect(try fixture.store.session(id: "s0123456789") == Self.session("s0123456789"))
        #expect(try fixture.store.session(id: "s9999999999") == nil)
    }

    @Test(arguments: StoreBackendKind.all) func createSession_twiceWithOneID_isRefused(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.createSession(Self.session("s1"))
        #expect(throws: StoreError(.invalidArgument, "registry: session s1 already exists; start the run with a new session id")) {
            try fixture.store.createSession(Self.session("s1"))
        }
    }

    @Test(arguments: StoreBackendKind.all) func updateSession_setsStatusStateUsageAndTime(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.createSession(Self.session("s1"))
        try fixture.store.updateSession(
            id: "s1", status: "paused", state: ["pending": ["a0123456789"]], inputTokens: 20, outputTokens: 10,
            costUSD: 0.25, at: 200)
        let read = try #require(try fixture.store.session(id: "s1"))
        #expect(read.status == "paused")
        #expect(read.state == ["pending": ["a0123456789"]])
        #expect(read.inputTokens == 20)
        #expect(read.outputTokens == 10)
        #expect(read.costUSD == 0.25)
        #expect(read.updatedAt == 200)
        #expect(read.createdAt == 100)
    }

    @Test(arguments: StoreBackendKind.all) func updateSession_ofAnUnknownSession_saysSoAndNamesTheList(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        #expect(throws: StoreError(.notFound, "registry: no session s404; see kai sessions list")) {
            try fixture.store.updateSession(id: "s404", status: "done", state: [:], inputTokens: 0, outputTokens: 0, costUSD: nil, at: 1)
        }
    }

    @Test(arguments: StoreBackendKind.all) func appendSessionEvent_numbersEventsFromOne_andReadsThemBackInOrder(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.createSession(Self.session("s1"))
        try fixture.store.createSession(Self.session("s2"))
        #expect(try fixture.store.appendSessionEvent(sessionID: "s1", kind: "message", body: ["text": "hi"], at: 1) == 1)
        #expect(try fixture.store.appendSessionEvent(sessionID: "s2", kind: "status", body: "running", at: 1) == 1)
        #expect(try fixture.store.appendSessionEvent(sessionID: "s1", kind: "tool_call", body: ["tool": "calculate"], at: 2) == 2)
        #expect(try fixture.store.sessionEvents(sessionID: "s1") == [
            SessionEvent(sessionID: "s1", seq: 1, at: 1, kind: "message", body: ["text": "hi"]),
            SessionEvent(sessionID: "s1", seq: 2, at: 2, kind: "tool_call", body: ["tool": "calculate"]),
        ])
        #expect(try fixture.store.sessionEvents(sessionID: "s404") == [])
    }

    @Test(arguments: StoreBackendKind.all) func sessionEventCounts_countOneKindPerSession_inOneQuery(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        for id in ["s1", "s2", "s3"] { try fixture.store.createSession(Self.session(id)) }
        for (id, kind) in [("s1", "tool_call"), ("s1", "tool_call"), ("s1", "message"), ("s2", "message"), ("s3", "tool_call")] {
            _ = try fixture.store.appendSessionEvent(sessionID: id, kind: kind, body: [:], at: 1)
        }
        #expect(try fixture.store.sessionEventCounts(kind: "tool_call", sessionIDs: ["s1", "s2"]) == ["s1": 2])
        #expect(try fixture.store.sessionEventCounts(kind: "tool_call", sessionIDs: []) == [:])
    }

    @Test(arguments: StoreBackendKind.all) func appendSessionEvent_fromManyThreadsAndTwoStores_neverSharesANumber(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        let other = try fixture.another()
        try fixture.store.createSession(Self.session("s1"))
        let stores = [fixture.store, other]
        DispatchQueue.concurrentPerform(iterations: 40) { i in
            _ = try? stores[i % 2].appendSessionEvent(sessionID: "s1", kind: "step", body: .integer(Int64(i)), at: Double(i))
        }
        let events = try fixture.store.sessionEvents(sessionID: "s1")
        #expect(events.map(\.seq) == Array(1...40))
        #expect(Set(events.compactMap(\.body.intValue)) == Set(0..<40))
    }

    @Test(arguments: StoreBackendKind.all) func appendSessionEvent_toAnUnknownSession_isRefused(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        #expect(throws: StoreError(.notFound, "registry: no session s404; see kai sessions list")) {
            try fixture.store.appendSessionEvent(sessionID: "s404", kind: "message", body: [:], at: 1)
        }
    }

    @Test(arguments: StoreBackendKind.all) func sessions_listsMostRecentlyUpdatedFirst_upToTheLimit(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.createSession(Self.session("s1", updatedAt: 100))
        try fixture.store.createSession(Self.session("s2", updatedAt: 300))
        try fixture.store.createSession(Self.session("s3", updatedAt: 200))
        #expect(try fixture.store.sessions(limit: 10).map(\.id) == ["s2", "s3", "s1"])
        #expect(try fixture.store.sessions(limit: 2).map(\.id) == ["s2", "s3"])
    }

    @Test func newID_isSAndTenLowercaseHexDigits_andRandom() {
        let ids = (0..<100).map { _ in SessionRecord.newID() }
        #expect(ids.allSatisfy { $0.wholeMatch(of: /s[0-9a-f]{10}/) != nil }, "\(ids)")
        #expect(Set(ids).count == 100)
    }
}
