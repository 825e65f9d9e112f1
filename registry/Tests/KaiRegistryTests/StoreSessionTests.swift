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

    @Test func createSession_thenSession_readsBackEveryField() throws {
        let fixture = try StoreFixture()
        try fixture.store.createSession(Self.session("s0123456789"))
        #expect(try fixture.store.session(id: "s0123456789") == Self.session("s0123456789"))
        #expect(try fixture.store.session(id: "s9999999999") == nil)
    }

    @Test func createSession_twiceWithOneID_isRefused() throws {
        let fixture = try StoreFixture()
        try fixture.store.createSession(Self.session("s1"))
        #expect(throws: StoreError(.invalidArgument, "registry: session s1 already exists; start the run with a new session id")) {
            try fixture.store.createSession(Self.session("s1"))
        }
    }

    @Test func updateSession_setsStatusStateUsageAndTime() throws {
        let fixture = try StoreFixture()
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

    @Test func updateSession_ofAnUnknownSession_saysSoAndNamesTheList() throws {
        let fixture = try StoreFixture()
        #expect(throws: StoreError(.notFound, "registry: no session s404; see kai sessions list")) {
            try fixture.store.updateSession(id: "s404", status: "done", state: [:], inputTokens: 0, outputTokens: 0, costUSD: nil, at: 1)
        }
    }

    @Test func appendSessionEvent_numbersEventsFromOne_andReadsThemBackInOrder() throws {
        let fixture = try StoreFixture()
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

    @Test func sessionEventCounts_countOneKindPerSession_inOneQuery() throws {
        let fixture = try StoreFixture()
        for id in ["s1", "s2", "s3"] { try fixture.store.createSession(Self.session(id)) }
        for (id, kind) in [("s1", "tool_call"), ("s1", "tool_call"), ("s1", "message"), ("s2", "message"), ("s3", "tool_call")] {
            _ = try fixture.store.appendSessionEvent(sessionID: id, kind: kind, body: [:], at: 1)
        }
        #expect(try fixture.store.sessionEventCounts(kind: "tool_call", sessionIDs: ["s1", "s2"]) == ["s1": 2])
        #expect(try fixture.store.sessionEventCounts(kind: "tool_call", sessionIDs: []) == [:])
    }

    @Test func appendSessionEvent_fromManyThreadsAndTwoStores_neverSharesANumber() throws {
        let fixture = try StoreFixture()
        let other = try RegistryStore(path: fixture.path)
        try fixture.store.createSession(Self.session("s1"))
        let stores = [fixture.store, other]
        DispatchQueue.concurrentPerform(iterations: 40) { i in
            _ = try? stores[i % 2].appendSessionEvent(sessionID: "s1", kind: "step", body: .integer(Int64(i)), at: Double(i))
        }
        let events = try fixture.store.sessionEvents(sessionID: "s1")
        #expect(events.map(\.seq) == Array(1...40))
        #expect(Set(events.compactMap(\.body.intValue)) == Set(0..<40))
    }

    @Test func appendSessionEvent_toAnUnknownSession_isRefused() throws {
        let fixture = try StoreFixture()
        #expect(throws: StoreError(.notFound, "registry: no session s404; see kai sessions list")) {
            try fixture.store.appendSessionEvent(sessionID: "s404", kind: "message", body: [:], at: 1)
        }
    }

    @Test func sessions_listsMostRecentlyUpdatedFirst_upToTheLimit() throws {
        let fixture = try StoreFixture()
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
