import Foundation
import KaiJSON
@testable import KaiRegistry
import Testing

/// recordSession: a run recorder's batch of events and state in one transaction.
struct StoreSessionBatchTests {
    @Test(arguments: StoreBackendKind.all) func recordSession_appendsEventsAfterTheLastAndAppliesTheUpdate(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.createSession(StoreSessionTests.session("s1"))
        try fixture.store.appendSessionEvent(sessionID: "s1", kind: "message", body: ["role": "user"], at: 101)
        try fixture.store.recordSession(
            id: "s1",
            events: [SessionEventDraft(kind: "step", body: ["type": "turn"], at: 102), SessionEventDraft(kind: "usage", body: ["input_tokens": 10], at: 103)],
            update: SessionUpdate(status: "done", state: ["messages": []], inputTokens: 10, outputTokens: 5, costUSD: 0.5, at: 104))
        let events = try fixture.store.sessionEvents(sessionID: "s1")
        #expect(events.map(\.seq) == [1, 2, 3])
        #expect(events.map(\.kind) == ["message", "step", "usage"])
        let read = try #require(try fixture.store.session(id: "s1"))
        #expect(read.status == "done" && read.inputTokens == 10 && read.outputTokens == 5 && read.costUSD == 0.5 && read.updatedAt == 104)
    }

    @Test(arguments: StoreBackendKind.all) func recordSession_unknownSession_writesNothing(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        #expect(throws: StoreError.self) {
            try fixture.store.recordSession(id: "s9", events: [SessionEventDraft(kind: "step", body: [:], at: 1)], update: nil)
        }
        #expect(try fixture.store.sessionEvents(sessionID: "s9").isEmpty)
    }

    @Test(arguments: StoreBackendKind.all) func recordSessions_writesEverySessionsBatchInOneTransaction(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.createSession(StoreSessionTests.session("s1"))
        try fixture.store.createSession(StoreSessionTests.session("s2"))
        try fixture.store.recordSessions([
            ("s1", [SessionEventDraft(kind: "step", body: ["n": 1], at: 102)], nil),
            ("s2", [SessionEventDraft(kind: "message", body: [:], at: 103), SessionEventDraft(kind: "usage", body: [:], at: 104)],
             SessionUpdate(status: "done", state: ["messages": []], inputTokens: 3, outputTokens: 4, costUSD: nil, at: 105)),
        ])
        #expect(try fixture.store.sessionEvents(sessionID: "s1").map(\.seq) == [1])
        #expect(try fixture.store.sessionEvents(sessionID: "s2").map(\.kind) == ["message", "usage"])
        #expect(try #require(try fixture.store.session(id: "s2")).status == "done")
        #expect(try #require(try fixture.store.session(id: "s1")).status != "done")
    }

    @Test(arguments: StoreBackendKind.all) func recordSessions_oneUnknownSession_writesNothingOfAny(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.store.createSession(StoreSessionTests.session("s1"))
        #expect(throws: StoreError.self) {
            try fixture.store.recordSessions([
                ("s1", [SessionEventDraft(kind: "step", body: [:], at: 1)], nil),
                ("s9", [SessionEventDraft(kind: "step", body: [:], at: 2)], nil),
            ])
        }
        #expect(try fixture.store.sessionEvents(sessionID: "s1").isEmpty)
    }
}
