import Foundation
import KaiCore
@testable import KaiRegistry
import Testing

struct StoreDiscoveryTests {
    /// p.good (research, coding), p.bad (research), q.idle (coding, writing; no calls).
    static func populated(_ backend: StoreBackendKind = .sqlite) throws -> StoreFixture {
        let fixture = try StoreFixture(backend)
        try fixture.plugin("p", [("good", ["research", "coding"]), ("bad", ["research"])])
        try fixture.plugin("q", [("idle", ["coding", "writing"])])
        fixture.calls("p", "good", count: 30, taskType: "coding")
        fixture.calls("p", "bad", count: 30, successes: 3, taskType: "coding")
        return fixture
    }

    @Test(arguments: StoreBackendKind.all) func discover_sortsByScore_withPriorForUncalled(_ backend: StoreBackendKind) throws {
        let found = try Self.populated(backend).store.discover(DiscoveryQuery())
        #expect(found.map(\.name) == ["good", "idle", "bad"])
        let prior = ScoreModel.standard.score(PerformanceAggregate(), peerLatencySeconds: nil)
        #expect(found[1].score == prior && found[1].calls == 0 && found[1].successRate == nil)
        #expect(found[0].calls == 30 && found[0].successRate == 1)
        #expect(found[0].tags == ["coding", "research"])
        #expect(abs((found[0].averageLatencySeconds ?? 0) - 0.01) < 1e-6)
    }

    @Test(arguments: StoreBackendKind.all, [
        (["research"], DiscoveryQuery.TagMatch.any, ["good", "bad"]),
        (["coding", "writing"], .any, ["good", "idle"]),
        (["research", "coding"], .all, ["good"]),
        (["coding", "writing"], .all, ["idle"]),
        (["nothing"], .any, []),
    ])
    func discover_filtersByTags(_ backend: StoreBackendKind, _ tagCase: ([String], DiscoveryQuery.TagMatch, [String])) throws {
        let (tags, match, expected) = tagCase
        let found = try Self.populated(backend).store.discover(DiscoveryQuery(tags: tags, tagMatch: match))
        #expect(found.map(\.name) == expected)
    }

    @Test(arguments: StoreBackendKind.all) func discover_byTaskType_ranksByThatTaskOnly(_ backend: StoreBackendKind) throws {
        let fixture = try Self.populated(backend)
        fixture.calls("q", "idle", count: 30, successes: 0, taskType: "writing")
        #expect(try fixture.store.discover(DiscoveryQuery(taskType: "coding")).map(\.name) == ["good", "idle", "bad"])
        let writing = try fixture.store.discover(DiscoveryQuery(taskType: "writing"))
        #expect(writing.map(\.name) == ["bad", "good", "idle"])  // two at the prior, by name; then the failing one
        #expect(writing.map(\.calls) == [0, 0, 30])
    }

    @Test(arguments: StoreBackendKind.all) func discover_filtersByPluginStatus(_ backend: StoreBackendKind) throws {
        let fixture = try Self.populated(backend)
        try fixture.store.setPluginStatus(id: "p", status: .maintenance, reason: "backend down")
        #expect(try fixture.store.discover(DiscoveryQuery()).map(\.name) == ["idle"])
        #expect(try fixture.store.discover(DiscoveryQuery(statuses: [.maintenance])).map(\.name) == ["good", "bad"])
        let identity = FileIdentity(path: "/plugins/q.so", size: 1, mtimeNanoseconds: 1, inode: 1)
        try fixture.store.recordPlugin(PluginRow(id: "q", identity: identity, manifestJSON: nil, failureReason: "ABI major 9", sha256: "0"))
        #expect(try fixture.store.discover(DiscoveryQuery()).isEmpty)
        #expect(try fixture.store.discover(DiscoveryQuery(statuses: [.failed])).map(\.name) == ["idle"])
        #expect(try fixture.store.pluginStatus(id: "q") == .failed)
    }

    @Test(arguments: StoreBackendKind.all) func discover_filtersByKind(_ backend: StoreBackendKind) throws {
        let fixture = try Self.populated(backend)
        try fixture.plugin("r", [("helper", ["research"])], kind: .agent)
        #expect(try fixture.store.discover(DiscoveryQuery(kind: .agent)).map(\.name) == ["helper"])
        #expect(try fixture.store.discover(DiscoveryQuery(kind: .tool)).count == 3)
    }

    @Test(arguments: StoreBackendKind.all) func discover_respectsLimit(_ backend: StoreBackendKind) throws {
        let fixture = try Self.populated(backend)
        #expect(try fixture.store.discover(DiscoveryQuery(limit: 1)).map(\.name) == ["good"])
        #expect(try fixture.store.discover(DiscoveryQuery(limit: 2)).map(\.name) == ["good", "idle"])
        #expect(try fixture.store.discover(DiscoveryQuery(limit: 0)).isEmpty)
    }

    @Test(arguments: StoreBackendKind.all) func discover_breaksTiesByPluginThenName_whetherCalledOrNot(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.plugin("b", [("z", []), ("a", [])])
        try fixture.plugin("a", [("y", [])])
        #expect(try fixture.store.discover(DiscoveryQuery()).map { "\($0.pluginID).\($0.name)" } == ["a.y", "b.a", "b.z"])
        for (plugin, tool) in [("b", "z"), ("a", "y"), ("b", "a")] { fixture.calls(plugin, tool, count: 5) }
        #expect(try fixture.store.discover(DiscoveryQuery()).map { "\($0.pluginID).\($0.name)" } == ["a.y", "b.a", "b.z"])
    }
}

struct StoreStatusAndLogTests {
    @Test(arguments: StoreBackendKind.all) func status_countsPluginsScoresCoverageAndFailures(_ backend: StoreBackendKind) throws {
        let fixture = try StoreDiscoveryTests.populated(backend)
        try fixture.plugin("r", [])
        try fixture.store.setPluginStatus(id: "r", status: .inactive)
        let identity = FileIdentity(path: "/plugins/broken.so", size: 1, mtimeNanoseconds: 1, inode: 1)
        try fixture.store.recordPlugin(PluginRow(id: "/plugins/broken.so", identity: identity, manifestJSON: nil, failureReason: "undefined symbol kai_plugin_entry", sha256: "0"))
        let status = try fixture.store.status()
        #expect(status.plugins == 4 && status.active == 2 && status.inactive == 1)
        #expect(status.pluginsByStatus[.failed] == 1 && status.pluginsByStatus[.deprecated] == 0)
        #expect(status.capabilities == 3 && status.calls == 60)
        #expect(status.coverage == ["research": 2, "coding": 2, "writing": 1])
        #expect(status.failedPlugins == [.init(id: "/plugins/broken.so", path: "/plugins/broken.so", reason: "undefined symbol kai_plugin_entry")])
        let scores = try fixture.store.discover(DiscoveryQuery(statuses: Set(EffectivePluginStatus.allCases))).map(\.score)
        #expect(abs((status.averageScore ?? 0) - scores.reduce(0, +) / 3) < 1e-12)
    }

    @Test(arguments: StoreBackendKind.all) func status_ofEmptyStore_hasNoAverage(_ backend: StoreBackendKind) throws {
        let status = try StoreFixture(backend).store.status()
        #expect(status.plugins == 0 && status.averageScore == nil && status.coverage.isEmpty)
    }

    @Test(arguments: StoreBackendKind.all) func logs_newestFirst_filteredByToolSinceAndLimit(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        fixture.calls("p", "a", count: 3, startedAt: 100)  // 100, 101, 102
        fixture.calls("p", "b", count: 3, startedAt: 100.5)  // 100.5, 101.5, 102.5
        #expect(try fixture.store.logs().map(\.startedAt) == [102.5, 102, 101.5, 101, 100.5, 100])
        #expect(try fixture.store.logs(tool: "p.a").map(\.startedAt) == [102, 101, 100])
        #expect(try fixture.store.logs(since: 101.5).map(\.startedAt) == [102.5, 102, 101.5])
        #expect(try fixture.store.logs(tool: "p.b", since: 101, limit: 1).map(\.startedAt) == [102.5])
        #expect(try fixture.store.logs(tool: "p.zzz").isEmpty)
        let failed = try #require(try fixture.store.logs(limit: 1).first)
        #expect(failed.code == .ok && failed.errorKind == nil && failed.tool == "p.b" && failed.plugin == "p")
    }

    @Test(arguments: StoreBackendKind.all) func logs_keepFailureCodeAndKind(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        fixture.store.callFinished(report("p", "t", ok: false))
        let log = try #require(try fixture.store.logs().first)
        #expect(log.code == .internal && log.errorKind == "toolFailed")
    }

    @Test(arguments: StoreBackendKind.all) func setPluginStatus_forUnknownPlugin_throwsNotFound(_ backend: StoreBackendKind) throws {
        let error = try #require(throws: StoreError.self) {
            try StoreFixture(backend).store.setPluginStatus(id: "nope", status: .inactive)
        }
        #expect(error.code == .notFound)
        #expect(error.message == "registry: no plugin 'nope' is recorded; run 'kai plugins list' to see plugin ids")
    }
}
