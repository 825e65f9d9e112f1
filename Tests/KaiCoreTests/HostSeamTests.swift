import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Synchronization
import Testing

/// The seams the registry plugs into: scan cache, call observer, and the
/// operator's per-plugin settings.
@Suite struct HostSeamTests {
    final class MemoryCache: ScanCache {
        let entries = Mutex<[FileIdentity: ScanOutcome]>([:])
        func cachedScan(_ identity: FileIdentity) -> ScanOutcome? { entries.withLock { $0[identity] } }
        func saveScan(_ identity: FileIdentity, _ outcome: ScanOutcome) { entries.withLock { $0[identity] = outcome } }
    }

    final class Recorder: CallObserver {
        let reports = Mutex<[CallReport]>([])
        func callFinished(_ report: CallReport) { reports.withLock { $0.append(report) } }
    }

    struct Catalog: PluginCatalog {
        let sources: [PluginSource]
        let byID: [String: PluginSettings]
        func pluginSources() -> [PluginSource] { sources }
        func settings(for manifest: PluginManifest, path: String) -> PluginSettings { byID[manifest.id] ?? PluginSettings() }
    }

    @Test func scanCache_warmLoadSkipsOpeningTheFileUntilACall() throws {
        let path = try Fixtures.fixture(id: "test.cached")
        let cache = MemoryCache()
        let cold = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: path)]), cache: cache)
        #expect(cold.plugins.first?.fromCache == false)
        #expect(cache.entries.withLock { $0.count } == 1)
        let warm = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: path)]), cache: cache)
        #expect(warm.plugins.first?.fromCache == true)
        #expect(warm.tools.entries.count == cold.tools.entries.count)
        #expect(try warm.call("add", #"{"a": 1, "b": 1}"#) == ["sum": 2])
    }

    @Test func scanCache_remembersFailuresWithTheirReasonUntilTheFileChanges() throws {
        let source = Fixtures.scratch + "/changing.so"
        try "not a plugin".write(toFile: source, atomically: false, encoding: .utf8)
        let cache = MemoryCache()
        let first = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: source)]), cache: cache)
        let second = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: source)]), cache: cache)
        #expect(second.failures.map(\.description) == first.failures.map(\.description))
        #expect(second.failures.first?.reason == .previousScan("not an ELF shared object (it starts with \"not \"). A plugin is a .so built with -shared -fPIC."))
        // Replacing the file changes its identity: it is scanned again and loads.
        try FileManager.default.removeItem(atPath: source)
        try FileManager.default.copyItem(atPath: try Fixtures.fixture(id: "test.changing"), toPath: source)
        let third = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: source)]), cache: cache)
        #expect(third.failures.isEmpty)
        #expect(third.plugins.map(\.id) == ["test.changing"])
    }

    @Test func observer_seesEveryCallIncludingNestedOnes() throws {
        let recorder = Recorder()
        let host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: try Fixtures.fixture())]), observer: recorder)
        _ = try host.call("call_tool", #"{"name": "add", "args": {"a": 1, "b": 2}}"#)
        _ = host.callError("fail", "{}")
        let reports = recorder.reports.withLock { $0 }
        #expect(reports.map(\.tool) == ["test.fixture.add", "test.fixture.call_tool", "test.fixture.fail"])
        #expect(reports.map(\.depth) == [1, 0, 0])
        #expect(reports.map(\.code) == [.ok, .ok, .internal])
        #expect(reports[2].errorKind == .toolFailed)
        #expect(String(decoding: reports[0].result, as: UTF8.self) == #"{"sum":3}"#)
    }

    @Test func settings_disabledPluginIsNotLoaded() throws {
        let path = try Fixtures.fixture(id: "test.off")
        let host = PluginHost.load(from: Catalog(sources: [PluginSource(path: path)], byID: ["test.off": PluginSettings(enabled: false)]))
        #expect(host.plugins.isEmpty)
        #expect(host.disabled.map(\.id) == ["test.off"])
    }

    @Test func settings_inactiveOrMaintenancePluginRefusesCalls() throws {
        let path = try Fixtures.fixture(id: "test.maint")
        let host = PluginHost.load(from: Catalog(sources: [PluginSource(path: path)], byID: ["test.maint": PluginSettings(status: .maintenance)]))
        #expect(host.callError("add", #"{"a":1,"b":1}"#)?.description
            == #"tool "test.maint.add" is unavailable: the operator set plugin test.maint to maintenance. Set its status to active in the configuration to use it."#)
    }

    @Test func settings_secretsReachThePluginButNeverAnErrorMessage() throws {
        let path = try Fixtures.fixture(id: "test.secret")
        let secret = PluginSettings.Secret(value: "sk-live-123", redacted: "<secret from API_KEY>")
        let good = PluginHost.load(from: Catalog(sources: [PluginSource(path: path)],
                                                 byID: ["test.secret": PluginSettings(secrets: ["endpoint": secret])]))
        // The plugin gets the real value; echoed back, it is scrubbed to the
        // placeholder (which only an exact match of the value produces).
        #expect(try good.call("config", "{}")["endpoint"] == "<secret from API_KEY>")
        // "level" must be an integer: a secret there fails validation, and the
        // message shows the redacted form only.
        let path2 = try Fixtures.fixture(id: "test.secret2")
        let bad = PluginHost.load(from: Catalog(sources: [PluginSource(path: path2)],
                                                byID: ["test.secret2": PluginSettings(secrets: ["level": secret])]))
        let message = bad.callError("add", #"{"a":1,"b":1}"#)?.description ?? ""
        #expect(message.contains(#"$.level: expected integer, got string (type)"#))
        #expect(!message.contains("sk-live-123"))
    }

    @Test func expectedID_mismatchIsALoadError() throws {
        let path = try Fixtures.fixture(id: "test.actual")
        let host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: path, expectedID: "test.wanted")]))
        #expect(host.failures.map(\.description) == [
            "\(path): the configuration expects plugin id \"test.wanted\", but the file's manifest says \"test.actual\". Fix the id in the configuration or point it at the right file."
        ])
    }
}
