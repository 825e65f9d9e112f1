import Foundation
import KaiCore
import KaiRegistry
import KaiRuntime
import KaiTestSupport
import Testing

/// The store's plugin rows after a runtime opens, whatever another process
/// did to the same registry in the meantime.
@Suite struct RegistrySyncTests {
    /// Another process saves a plugin's scan while it loads and records the
    /// plugin only after: a process opening in between takes the manifest
    /// from the scan cache for a plugin the store has no row for. That one
    /// warned "could not update the registry: ... no plugin 'test.fixture'
    /// is recorded" (the flaky RegistryCLITests.eightConcurrentProcesses).
    @Test func open_whenTheScanIsCachedButThePluginNotYetRecorded_recordsIt_withoutAWarning() throws {
        let directory = Fixtures.scratch + "/sync-cached-unrecorded"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let plugin = try Fixtures.fixture()
        let config = directory + "/kai.yaml"
        try "plugins:\n  - path: \(plugin)\n".write(toFile: config, atomically: true, encoding: .utf8)
        func settings(_ database: String) -> RuntimeSettings {
            RuntimeSettings(configFile: config, databaseFile: directory + "/" + database, loadsBundledPlugins: false)
        }
        // The first process's scan, as the cache holds it mid-start.
        let first = try KaiRuntime.open(settings: settings("first.sqlite"), diagnostics: RecordingDiagnostics())
        try first.shutdown()
        let identity = try #require(FileIdentity.of(path: plugin))
        let scan = try #require(first.store.cachedScan(identity))
        let shared = try RegistryStore(path: directory + "/shared.sqlite")
        shared.saveScan(identity, scan)
        #expect(try shared.pluginStatuses()["test.fixture"] == nil)

        let diagnostics = RecordingDiagnostics()
        let second = try KaiRuntime.open(settings: settings("shared.sqlite"), diagnostics: diagnostics)
        defer { try? second.shutdown() }
        #expect(second.host.plugins.first?.fromCache == true)
        #expect(diagnostics.warnings == [])
        #expect(try second.store.pluginStatuses()["test.fixture"] == .active)
        #expect(try second.store.capabilityID(pluginID: "test.fixture", kind: .tool, name: "add") != nil)
    }
}
