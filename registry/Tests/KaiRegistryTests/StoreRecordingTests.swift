import Foundation
import GRDB
import KaiCore
@testable import KaiRegistry
import Testing

struct StoreRecordingTests {
    @Test func callFinished_writesRecordLogAndBothStatsRows() throws {
        let fixture = try StoreFixture()
        try fixture.plugin("p", [("t", ["coding"])])
        fixture.store.callFinished(report("p", "t", seconds: 0.5, taskType: "coding"))
        let counts = try fixture.read { db in
            try ["performance_records", "call_log"].map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") }
        }
        #expect(counts == [1, 1])
        let stats = try fixture.read { db in
            try Row.fetchAll(db, sql: "SELECT task_type, calls, duration_weight FROM capability_stats ORDER BY task_type")
        }
        #expect(stats.map { $0[0] as String } == ["*", "coding"])
        #expect(stats.map { $0[1] as Int } == [1, 1])
        #expect(stats.map { $0[2] as Double } == [0.5, 0.5])
        #expect(fixture.errors.all.isEmpty)
    }

    @Test func callFinished_updatesStatsIncrementally_likeTheModelFoldingEachCall() throws {
        let fixture = try StoreFixture()
        try fixture.plugin("p", [("t", [])])
        var expected = PerformanceAggregate()
        for i in 0 ..< 20 {
            fixture.store.callFinished(report("p", "t", ok: i % 4 != 0, seconds: Double(i) / 10))
            expected = ScoreModel.standard.updated(expected, success: i % 4 != 0, durationSeconds: Double(i) / 10, quality: nil)
        }
        let stored = try fixture.read { db in
            try CapabilityStatsRecord.filter(Column("task_type") == "*").fetchOne(db)
        }
        #expect(stored?.aggregate.calls == expected.calls)
        #expect(abs((stored?.aggregate.successWeight ?? 0) - expected.successWeight) < 1e-9)
        // Alone in its kind, its peer latency is its own.
        #expect(abs((stored?.score ?? 0) - ScoreModel.standard.score(expected, peerLatencySeconds: ScoreModel.standard.averageLatency(expected))) < 1e-9)
    }

    @Test func callFinished_forUnknownCapability_createsItAndStillCounts() throws {
        let fixture = try StoreFixture()
        fixture.store.callFinished(report("ghost", "t"))
        #expect(try fixture.store.capabilityID(pluginID: "ghost", kind: .tool, name: "t") != nil)
        #expect(try fixture.store.discover(DiscoveryQuery()).map(\.calls) == [1])
    }

    @Test func callFinished_withPayloadLoggingOff_storesSizesOnly() throws {
        let fixture = try StoreFixture()
        fixture.store.callFinished(report("p", "t"))
        let log = try #require(try fixture.store.logs().first)
        #expect(log.argumentsSize == 7 && log.resultSize == 7)
        #expect(log.arguments == nil && log.result == nil)
        #expect(try fixture.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM call_log WHERE arguments IS NOT NULL OR result IS NOT NULL") } == 0)
    }

    @Test func callFinished_withPayloadLoggingOn_storesPayloads() throws {
        let fixture = try StoreFixture(payloadLogging: true)
        fixture.store.callFinished(report("p", "t"))
        let log = try #require(try fixture.store.logs().first)
        #expect(log.arguments == Data(#"{"x":1}"#.utf8))
        #expect(log.result == Data(#"{"y":2}"#.utf8))
    }

    @Test func callFinished_whenTheDatabaseFails_reportsInsteadOfThrowing() throws {
        let fixture = try StoreFixture()
        try fixture.store.pool.write { try $0.execute(sql: "DROP TABLE call_log") }
        fixture.store.callFinished(report("p", "t"))
        #expect(fixture.errors.all.map(\.code) == [.database])
        #expect(fixture.errors.all.first?.message.hasPrefix("registry: could not record a call of 'p.t': no such table: call_log") == true)
        // One transaction: the record and stats rolled back with the log row.
        #expect(try fixture.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM performance_records") } == 0)
    }

    /// Aggregates are exact either way; scores of a batch all use the peers'
    /// latency after the whole batch.
    @Test func record_batch_matchesOneByOneAggregates_andScoresAgainstFinalPeers() throws {
        let batched = try StoreFixture()
        let single = try StoreFixture()
        for fixture in [batched, single] { try fixture.plugin("p", [("a", []), ("b", [])]) }
        let ids = try ["a", "b"].map { try #require(try batched.store.capabilityID(pluginID: "p", kind: .tool, name: $0)) }
        let records = (0 ..< 50).map { i in
            PerformanceRecord(
                capabilityID: ids[i % 2], taskType: i % 3 == 0 ? "writing" : "coding", success: i % 5 != 0,
                durationSeconds: Double(i % 7), quality: i % 2 == 0 ? 0.8 : nil, recordedAt: Double(i))
        }
        try batched.store.record(records)
        for r in records { try single.store.record([r]) }
        let query = { (f: StoreFixture) in
            try f.read { try CapabilityStatsRecord.order(Column("capability_id"), Column("task_type")).fetchAll($0) }
        }
        let (a, b) = (try query(batched), try query(single))
        #expect(a.map(\.aggregate) == b.map(\.aggregate))
        #expect(a.count == 6)
        let model = ScoreModel.standard
        for row in a {
            let peers = model.peerLatency(of: a.filter { $0.taskType == row.taskType }.map(\.aggregate))
            #expect(abs(row.score - model.score(row.aggregate, peerLatencySeconds: peers)) < 1e-9)
        }
        #expect(try batched.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM performance_records") } == 50)
    }

    @Test func record_withUnknownCapability_writesNothing() throws {
        let fixture = try StoreFixture()
        try fixture.plugin("p", [("a", [])])
        let id = try #require(try fixture.store.capabilityID(pluginID: "p", kind: .tool, name: "a"))
        let records = [id, 999].map { PerformanceRecord(capabilityID: $0, taskType: nil, success: true, durationSeconds: 1, recordedAt: 0) }
        let error = try #require(throws: StoreError.self) { try fixture.store.record(records) }
        #expect(error.message == "registry: no capability with id 999; sync the plugin's capabilities first")
        #expect(try fixture.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM performance_records") } == 0)
    }

    @Test func syncCapabilities_keepsHistoryOfUnchanged_andDropsRemoved() throws {
        let fixture = try StoreFixture()
        try fixture.plugin("p", [("keep", ["a"]), ("drop", ["b"])])
        fixture.calls("p", "keep", count: 2)
        fixture.calls("p", "drop", count: 2)
        try fixture.store.syncCapabilities(pluginID: "p", [CapabilityRow(kind: .tool, name: "keep", description: "new", tags: ["c"])])
        let found = try fixture.store.discover(DiscoveryQuery())
        #expect(found.map(\.name) == ["keep"])
        #expect(found.first?.calls == 2 && found.first?.tags == ["c"])
        #expect(try fixture.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM performance_records") } == 2)
    }

    @Test func syncCapabilities_forUnrecordedPlugin_throwsNotFound() throws {
        let fixture = try StoreFixture()
        let error = try #require(throws: StoreError.self) { try fixture.store.syncCapabilities(pluginID: "nope", []) }
        #expect(error.message == "registry: no plugin 'nope' is recorded; record the plugin before its capabilities")
    }
}

struct StoreConcurrencyTests {
    /// Eight stores (eight connection pools, as eight processes would have)
    /// writing at once: busy waits, never lost rows.
    @Test(.timeLimit(.minutes(1)))
    func callFinished_fromEightStoresAtOnce_keepsAll1600Rows() async throws {
        let fixture = try StoreFixture()
        try fixture.plugin("p", [("t", [])])
        let stores = try (0 ..< 8).map { _ in
            try RegistryStore(path: fixture.path, options: .init(reportError: { fixture.errors.append($0) }, batchSize: 1))
        }
        await withTaskGroup(of: Void.self) { group in
            for (n, store) in stores.enumerated() {
                group.addTask {
                    for i in 0 ..< 200 { store.callFinished(report("p", "t", taskType: "w\(n)", startedAt: Double(i))) }
                }
            }
        }
        #expect(fixture.errors.all.isEmpty)
        let counts = try fixture.read { db in
            try ["performance_records", "call_log"].map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") }
        }
        #expect(counts == [1600, 1600])
        #expect(try fixture.store.discover(DiscoveryQuery()).first?.calls == 1600)
        #expect(try fixture.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
    }

    @Test func refreshScores_rescoresAgainstCurrentPeers() throws {
        let fixture = try StoreFixture()
        try fixture.plugin("p", [("slow", []), ("fast", [])])
        fixture.calls("p", "slow", count: 10, seconds: 2)  // scored alone: its own latency is the reference
        fixture.calls("p", "fast", count: 10, seconds: 0.01)
        let before = try fixture.store.discover(DiscoveryQuery()).first { $0.name == "slow" }!.score
        try fixture.store.refreshScores()
        let after = try fixture.store.discover(DiscoveryQuery()).first { $0.name == "slow" }!.score
        #expect(after < before, "slow is slower than its peers now")
        let stats = try fixture.read { try CapabilityStatsRecord.filter(Column("task_type") == "*").fetchAll($0) }
        let peer = ScoreModel.standard.peerLatency(of: stats.map(\.aggregate))
        for row in stats {
            #expect(abs(row.score - ScoreModel.standard.score(row.aggregate, peerLatencySeconds: peer)) < 1e-12)
        }
    }
}

@Suite struct StoreBatchingTests {
    private func report(_ tool: String, code: KaiCore.ResultCode = .ok, errorKind: ErrorKind? = nil) -> CallReport {
        CallReport(tool: "p.\(tool)", plugin: "p", capabilityKind: .tool, startedAt: 1_700_000_000, durationNanoseconds: 1_000_000,
                   code: code, errorKind: errorKind, taskType: nil, arguments: [], result: [], depth: 0)
    }

    @Test func queuedCalls_areWrittenOnFlushAndBeforeAnyRead() throws {
        let fixture = try StoreFixture(batchSize: 100)
        fixture.store.callFinished(report("t"))
        fixture.store.callFinished(report("t"))
        #expect(try fixture.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM call_log") } == 0)
        #expect(try fixture.store.logs().count == 2, "logs() flushes first")
        fixture.store.callFinished(report("t"))
        fixture.store.flush()
        #expect(try fixture.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM call_log") } == 3)
    }

    @Test func callsBlamingTheCaller_areLoggedButNotScored() throws {
        let fixture = try StoreFixture()
        fixture.store.callFinished(report("t", code: .invalidInput, errorKind: .argumentsInvalid))
        fixture.store.callFinished(report("t", code: .unavailable, errorKind: .pluginNotActive))
        #expect(try fixture.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM call_log") } == 2)
        #expect(try fixture.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM performance_records") } == 0)
        fixture.store.callFinished(report("t", code: .internal, errorKind: .toolFailed))
        #expect(try fixture.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM performance_records") } == 1)
    }
}
