import KaiCore
import KaiTestSupport
import Testing

/// Long-running hosts run plugins that are not bundled in worker processes
/// unless the operator chose otherwise; `kai` commands keep the config's.
@Suite struct IsolationPolicyTests {
    @Test func longRunningHost_runsANonBundledPluginInAWorkerByDefault() throws {
        let path = try Fixtures.fixture(id: "test.policy")
        let host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: path)]), isolation: .longRunning)
        defer { host.shutdown() }
        #expect(host.plugins.first?.isolationState == "process: notStarted")
        #expect(try host.call("add", #"{"a": 1, "b": 2}"#) == ["sum": 3])
        #expect(host.plugins.first?.workerPID != nil)
    }

    @Test func longRunningHost_keepsAnExplicitIsolationAndBundledPluginsInProcess() throws {
        let path = try Fixtures.fixture(id: "test.policy2")
        var settings = PluginSettings(isolation: .inprocess)
        settings.isolationIsExplicit = true
        let explicit = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: path, settings: settings)]), isolation: .longRunning)
        #expect(explicit.plugins.first?.isolationState == "inprocess")
        let bundled = PluginHost.load(from: SearchPathCatalog(entries: [], bundledDirectory: Fixtures.buildDirectory), isolation: .longRunning)
        #expect(!bundled.plugins.isEmpty)
        #expect(bundled.plugins.allSatisfy { $0.isolationState == "inprocess" })
    }

    @Test func commandHost_keepsTheCatalogsIsolation() throws {
        let path = try Fixtures.fixture(id: "test.policy3")
        let host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: path)]))
        #expect(host.plugins.first?.isolationState == "inprocess")
        #expect(IsolationPolicy.command.isolation(configured: nil, bundled: false) == .inprocess)
        #expect(IsolationPolicy.longRunning.isolation(configured: nil, bundled: false) == .process)
        #expect(IsolationPolicy.longRunning.isolation(configured: nil, bundled: true) == .inprocess)
        #expect(IsolationPolicy.longRunning.isolation(configured: .sandbox, bundled: false) == .sandbox)
    }
}
