import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// Review item 3, scanning: a file configured for isolation: sandbox is
/// scanned (dlopen, entry, describe()) inside the sandbox, and a scan helper
/// that cannot start fails its files — they are never read in the host's
/// process instead.
@Suite struct ScanIsolationTests {
    static func describeHostProbe() throws -> String {
        try Fixtures.compile("describe_host", source: Fixtures.repositoryRoot + "/Tests/Fixtures/probe_plugin.c",
                             flags: ["-DPROBE_DESCRIBE_HOST"])
    }

    @Test func sandboxConfiguredFile_isScannedInsideTheSandbox() throws {
        if let missing = Probe.sandboxMissing() { try Test.cancel(Comment(rawValue: missing)) }
        let settings = PluginSettings(isolation: .sandbox, worker: Workers.policy())
        let host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: try Self.describeHostProbe(), settings: settings)]),
                                   cache: ScanHelperTests.MemoryCache(), scanning: .helper(executable: Workers.executable, timeout: 5))
        #expect(host.failures.map(\.description) == [])
        #expect(host.plugins.first?.manifest.description?.hasPrefix("scanned on host kai-plugin by pid ") == true)
    }

    @Test func processConfiguredFile_isScannedInTheUnsandboxedHelper() throws {
        let settings = PluginSettings(isolation: .process, worker: Workers.policy())
        let host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: try Self.describeHostProbe(), settings: settings)]),
                                   cache: ScanHelperTests.MemoryCache(), scanning: .helper(executable: Workers.executable, timeout: 5))
        let description = try #require(host.plugins.first?.manifest.description)
        #expect(!description.hasPrefix("scanned on host kai-plugin "))
        #expect(!description.hasSuffix(" by pid \(getpid())"), "scanned in the host's process")
    }

    @Test func helperThatCannotStart_failsTheFile_insteadOfScanningInProcess() throws {
        let path = try Fixtures.fixture(id: "test.noscan")
        let missing = Fixtures.scratch + "/no-such-kai-plugin-worker"
        let cache = ScanHelperTests.MemoryCache()
        let host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: path)]), cache: cache,
                                   scanning: .helper(executable: missing, timeout: 5))
        #expect(host.plugins.isEmpty)
        #expect(host.failures.map(\.description) == [
            "\(path): could not be scanned: its scan helper did not start (could not start \(missing): No such file or directory). "
                + "Kai never reads a plugin file in its own process in its place; install kai-plugin-worker next to kai or set KAI_PLUGIN_WORKER.",
        ])
        let cached = cache.entries.withLock { $0.count }
        #expect(cached == 0, "a helper that did not start says nothing of the file: not cached")
    }
}

extension ScanIsolationTests {
    /// Without a scan cache, `.automatic` reads in-process plugins in the
    /// host, but never one configured for a worker.
    @Test func processConfiguredFile_withoutACache_isStillScannedOutsideTheHost() throws {
        let inWorker = PluginSettings(isolation: .process, worker: Workers.policy())
        let host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: try Self.describeHostProbe(), settings: inWorker)]))
        let description = try #require(host.plugins.first?.manifest.description, "\(host.failures)")
        #expect(!description.hasSuffix(" by pid \(getpid())"), "scanned in the host's process")
        let inProcess = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: try Self.describeHostProbe(), settings: PluginSettings())]))
        #expect(inProcess.plugins.first?.manifest.description?.hasSuffix(" by pid \(getpid())") == true, "the probe works")
    }
}

extension ScanIsolationTests {
    /// A cached manifest that no longer decodes (rules changed without a new
    /// cache key, or the file changed after the helper's pass looked) is
    /// rescanned — for a file configured for a worker, in the helper, never
    /// by opening it in the host.
    @Test func processConfiguredFile_whoseCachedManifestNoLongerDecodes_isRescannedOutsideTheHost() throws {
        let path = try Self.describeHostProbe()
        let cache = ScanHelperTests.MemoryCache()
        let identity = try #require(FileIdentity.of(path: path))
        cache.saveScan(identity, .manifest(json: Array(#"{"id": "stale"}"#.utf8), abiMinor: 0))
        let settings = PluginSettings(isolation: .process, worker: Workers.policy())
        let host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: path, settings: settings)]),
                                   cache: cache, scanning: .helper(executable: Workers.executable, timeout: 5))
        let description = try #require(host.plugins.first?.manifest.description, "\(host.failures)")
        #expect(!description.hasSuffix(" by pid \(getpid())"), "scanned in the host's process")
    }
}
