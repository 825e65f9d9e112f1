import Foundation
import GRDB
import KaiCore
@testable import KaiRegistry
import Testing

struct StoreRecordingTests {
    @Test(arguments: StoreBackendKind.all) func callFinished_writesRecordLogAndBothStatsRows(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.plugin("p", [("t", ["coding"])])
        fixture.store.callFinished(report("p", "t", seconds: 0.5, taskType: "coding"))
        let counts = try ["performance_records", "call_log"].map { try fixture.scalar("SELECT COUNT(*) FROM \($0)", as: Int.self) }
        #expect(counts == [1, 1])
        let stats = try fixture.rows("SELECT task_type, calls, duration_weight FROM capability_stats ORDER BY task_type")
        #expect(try stats.map { try $0.get(0, as: String.self) } == ["*", "coding"])
        #expect(try stats.map { try $0.get(1, as: Int.self) } == [1, 1])
        #expect(try stats.map { try $0.get(2, as: Double.self) } == [0.5, 0.5])
        #expect(fixture.errors.all.isEmpty)
    }

    @Test(arguments: StoreBackendKind.all) func callFinished_updatesStatsIncrementally_likeTheModelFoldingEachCall(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.plugin("p", [("t", [])])
        var expected = PerformanceAggregate()
        for i in 0 ..< 20 {
            fixture.store.callFinished(report("p", "t", ok: i % 4 != 0, seconds: Double(i) / 10))
            expected = ScoreModel.standard.updated(expected, success: i % 4 != 0, durationSeconds: Double(i) / 10, quality: nil)
        }
        let stored = try fixture.rows("SELECT * FROM capability_stats WHERE task_type = '*'").map(CapabilityStatsRecord.init(row:)).first
        #expect(stored?.aggregate.calls == expected.calls)
        #expect(abs((stored?.aggregate.successWeight ?? 0) - expected.successWeight) < 1e-9)
        // Alone in its kind, its peer latency is its own.
        #expect(abs((stored?.score ?? 0) - ScoreModel.standard.score(expected, peerLatencySeconds: ScoreModel.standard.averageLatency(expected))) < 1e-9)
    }

    @Test(arguments: StoreBackendKind.all) func callFinished_forUnknownCapability_createsItAndStillCounts(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        fixture.store.callFinished(report("ghost", "t"))
        #expect(try fixture.store.capabilityID(pluginID: "ghost", kind: .tool, name: "t") != nil)
        #expect(try fixture.store.discover(DiscoveryQuery()).map(\.calls) == [1])
    }

    @Test(arguments: StoreBackendKind.all) func callFinished_withPayloadLoggingOff_storesSizesOnly(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        fixture.store.callFinished(report("p", "t"))
        let log = try #require(try fixture.store.logs().first)
        #expect(log.argumentsSize == 7 && log.resultSize == 7)
        #expect(log.arguments == nil && log.result == nil)
        #expect(try fixture.scalar("SELECT COUNT(*) FROM call_log WHERE arguments IS NOT NULL OR result IS NOT NULL", as: Int.self) == 0)
    }

    @Test(arguments: StoreBackendKind.all) func callFinished_withPayloadLoggingOn_storesPayloads(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend, payloadLogging: true)
        fixture.store.callFinished(report("p", "t"))
        let log = try #require(try fixture.store.logs().first)
        #expect(log.arguments == Data(#"{"x":1}"#.utf8))
        #expect(log.result == Data(#"{"y":2}"#.utf8))
    }

    @Test(arguments: StoreBackendKind.all) func callFinished_whenTheDatabaseFails_reportsInsteadOfThrowing(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.execute("DROP TABLE call_log")
        fixture.store.callFinished(report("p", "t"))
        #expect(fixture.errors.all.map(\.code) == [.database])
        let expected = backend == .sqlite
            ? "registry: could not record a call of 'p.t': no such table: call_log"
            : "registry: could not record a call of 'p.t': relation \"call_log\" does not exist (PostgreSQL 42P01)"
        #expect(fixture.errors.all.first?.message.hasPrefix(expected) == true, "\(fixture.errors.all)")
        // One transaction: the record and stats rolled back with the log row.
        #expect(try fixture.scalar("SELECT COUNT(*) FROM performance_records", as: Int.self) == 0)
    }

    /// 150 calls in one batch: PostgreSQL writes them in multi-row inserts
    /// of 64, 64, 16, 4 and 2 rows; every row arrives, in order.
    @Test(arguments: StoreBackendKind.all) func aBatchOfManyCalls_isWrittenWhole_inOrder(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend, batchSize: 1000)
        try fixture.plugin("p", [("t", [])])
        fixture.calls("p", "t", count: 150)
        fixture.store.flush()
        #expect(try fixture.store.logs(limit: 200).map(\.startedAt) == (0 ..< 150).reversed().map { 1000 + Double($0) })
        #expect(try fixture.scalar("SELECT COUNT(*) FROM performance_records", as: Int.self) == 150)
        #expect(try fixture.store.discover(DiscoveryQuery()).first?.calls == 150)
        #expect(fixture.errors.all.isEmpty)
    }

    /// Aggregates are exact either way; scores of a batch all use the peers'
    /// latency after the whole batch.
    @Test(arguments: StoreBackendKind.all) func record_batch_matchesOneByOneAggregates_andScoresAgainstFinalPeers(_ backend: StoreBackendKind) throws {
        let batched = try StoreFixture(backend)
        let single = try StoreFixture(backend)
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
            try f.rows("SELECT * FROM capability_stats ORDER BY capability_id, task_type").map(CapabilityStatsRecord.init(row:))
        }
        let (a, b) = (try query(batched), try query(single))
        #expect(a.map(\.aggregate) == b.map(\.aggregate))
        #expect(a.count == 6)
        let model = ScoreModel.standard
        for row in a {
            let peers = model.peerLatency(of: a.filter { $0.taskType == row.taskType }.map(\.aggregate))
            #expect(abs(row.score - model.score(row.aggregate, peerLatencySeconds: peers)) < 1e-9)
        }
        #expect(try batched.scalar("SELECT COUNT(*) FROM performance_records", as: Int.self) == 50)
    }

    @Test(arguments: StoreBackendKind.all) func record_withUnknownCapability_writesNothing(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.plugin("p", [("a", [])])
        let id = try #require(try fixture.store.capabilityID(pluginID: "p", kind: .tool, name: "a"))
        let records = [id, 999].map { PerformanceRecord(capabilityID: $0, taskType: nil, success: true, durationSeconds: 1, recordedAt: 0) }
        let error = try #require(throws: StoreError.self) { try fixture.store.record(records) }
        #expect(error.message == "registry: no capability with id 999; sync the plugin's capabilities first")
        #expect(try fixture.scalar("SELECT COUNT(*) FROM performance_records", as: Int.self) == 0)
    }

    @Test(arguments: StoreBackendKind.all) func syncCapabilities_keepsHistoryOfUnchanged_andDropsRemoved(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.plugin("p", [("keep", ["a"]), ("drop", ["b"])])
        fixture.calls("p", "keep", count: 2)
        fixture.calls("p", "drop", count: 2)
        try fixture.store.syncCapabilities(pluginID: "p", [CapabilityRow(kind: .tool, name: "keep", description: "new", tags: ["c"])])
        let found = try fixture.store.discover(DiscoveryQuery())
        #expect(found.map(\.name) == ["keep"])
        #expect(found.first?.calls == 2 && found.first?.tags == ["c"])
        #expect(try fixture.scalar("SELECT COUNT(*) FROM performance_records", as: Int.self) == 2)
    }

    @Test(arguments: StoreBackendKind.all) func syncCapabilities_forUnrecordedPlugin_throwsNotFound(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        let error = try #require(throws: StoreError.self) { try fixture.store.syncCapabilities(pluginID: "nope", []) }
        #expect(error.message == "registry: no plugin 'nope' is recorded; record the plugin before its capabilities")
    }
}

struct StoreConcurrencyTests {
    /// Eight stores (eight connection pools, as eight processes would have)
    /// writing at once: busy waits, never lost rows.
    @Test(.timeLimit(.minutes(1)), arguments: StoreBackendKind.all)
    func callFinished_fromEightStoresAtOnce_keepsAll1600Rows(_ backend: StoreBackendKind) async throws {
        let fixture = try StoreFixture(backend)
        try fixture.plugin("p", [("t", [])])
        let stores = try (0 ..< 8).map { _ in
            try fixture.another(.init(reportError: { fixture.errors.append($0) }, batchSize: 1))
        }
        await withTaskGroup(of: Void.self) { group in
            for (n, store) in stores.enumerated() {
                group.addTask {
                    for i in 0 ..< 200 { store.callFinished(report("p", "t", taskType: "w\(n)", startedAt: Double(i))) }
                }
            }
        }
        #expect(fixture.errors.all.isEmpty)
        let counts = try ["performance_records", "call_log"].map { try fixture.scalar("SELECT COUNT(*) FROM \($0)", as: Int.self) }
        #expect(counts == [1600, 1600])
        #expect(try fixture.store.discover(DiscoveryQuery()).first?.calls == 1600)
        if backend == .sqlite { #expect(try fixture.scalar("PRAGMA integrity_check", as: String.self) == "ok") }
    }

    @Test(arguments: StoreBackendKind.all) func refreshScores_rescoresAgainstCurrentPeers(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.plugin("p", [("slow", []), ("fast", [])])
        fixture.calls("p", "slow", count: 10, seconds: 2)  // scored alone: its own latency is the reference
        fixture.calls("p", "fast", count: 10, seconds: 0.01)
        let before = try fixture.store.discover(DiscoveryQuery()).first { $0.name == "slow" }!.score
        try fixture.store.refreshScores()
        let after = try fixture.store.discover(DiscoveryQuery()).first { $0.name == "slow" }!.score
        #expect(after < before, "slow is slower than its peers now")
        let stats = try fixture.rows("SELECT * FROM capability_stats WHERE task_type = '*'").map(CapabilityStatsRecord.init(row:))
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

    @Test(arguments: StoreBackendKind.all) func queuedCalls_areWrittenOnFlushAndBeforeAnyRead(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend, batchSize: 100)
        fixture.store.callFinished(report("t"))
        fixture.store.callFinished(report("t"))
        #expect(try fixture.scalar("SELECT COUNT(*) FROM call_log", as: Int.self) == 0)
        #expect(try fixture.store.logs().count == 2, "logs() flushes first")
        fixture.store.callFinished(report("t"))
        fixture.store.flush()
        #expect(try fixture.scalar("SELECT COUNT(*) FROM call_log", as: Int.self) == 3)
    }

    @Test(arguments: StoreBackendKind.all) func callsBlamingTheCaller_areLoggedButNotScored(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        fixture.store.callFinished(report("t", code: .invalidInput, errorKind: .argumentsInvalid))
        fixture.store.callFinished(report("t", code: .unavailable, errorKind: .pluginNotActive))
        #expect(try fixture.scalar("SELECT COUNT(*) FROM call_log", as: Int.self) == 2)
        #expect(try fixture.scalar("SELECT COUNT(*) FROM performance_records", as: Int.self) == 0)
        fixture.store.callFinished(report("t", code: .internal, errorKind: .toolFailed))
        #expect(try fixture.scalar("SELECT COUNT(*) FROM performance_records", as: Int.self) == 1)
    }
}
