import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Synchronization
import Testing

/// Reading manifests of new files in a helper process: a plugin that
/// crashes or hangs in its entry function fails alone, with the reason,
/// and the outcome lands in the scan cache.
@Suite struct ScanHelperTests {
    final class MemoryCache: ScanCache {
        let entries = Mutex<[FileIdentity: ScanOutcome]>([:])
        func cachedScan(_ identity: FileIdentity) -> ScanOutcome? { entries.withLock { $0[identity] } }
        func saveScan(_ identity: FileIdentity, _ outcome: ScanOutcome) { entries.withLock { $0[identity] = outcome } }
    }

    func load(_ paths: [String], cache: MemoryCache, timeout: Double = 5) -> PluginHost {
        PluginHost.load(from: ListCatalog(sources: paths.map { PluginSource(path: $0) }), cache: cache,
                        scanning: .helper(executable: Workers.executable, timeout: timeout))
    }

    @Test func crashInEntry_failsThatFileOnly_withTheSignal_andIsCached() throws {
        let crashing = try Fixtures.variant("FIXTURE_ENTRY_CRASH")
        let good = try Fixtures.fixture(id: "test.scanned")
        let cache = MemoryCache()
        let host = load([crashing, good], cache: cache)
        let message = "crashed with SIGSEGV (segmentation fault) while being scanned (in dlopen, its entry function or describe()). Kai skips it until the file changes."
        #expect(host.failures.map(\.description) == ["\(crashing): \(message)"])
        #expect(host.plugins.map(\.id) == ["test.scanned"])
        #expect(host.plugins.first?.fromCache == false)
        #expect(try host.call("add", #"{"a": 1, "b": 2}"#) == ["sum": 3])
        let identity = try #require(FileIdentity.of(path: crashing))
        #expect(cache.cachedScan(identity) == .failed(message: message))
        let again = load([crashing], cache: cache)
        #expect(again.failures.first?.reason == .previousScan(message))
    }

    @Test func hangInEntry_failsAfterTheDeadline() throws {
        let hanging = try Fixtures.variant("FIXTURE_ENTRY_HANG")
        let good = try Fixtures.fixture(id: "test.afterhang")
        let started = Date()
        let host = load([hanging, good], cache: MemoryCache(), timeout: 0.5)
        #expect(Date().timeIntervalSince(started) < 3)
        #expect(host.failures.map(\.message) == [
            "did not answer within 0.5 s while being scanned (its entry function or describe() hangs). Kai skips it until the file changes.",
        ])
        #expect(host.plugins.map(\.id) == ["test.afterhang"])
    }

    @Test func ordinaryLoadErrors_keepTheirMessage() throws {
        let local = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: try Fixtures.variant("FIXTURE_ENTRY_NULL"))]))
        let helper = load([try Fixtures.variant("FIXTURE_ENTRY_NULL")], cache: MemoryCache())
        #expect(helper.failures.map(\.description) == local.failures.map(\.description))
    }

    @Test func scanHelper_printsOneLinePerFile() throws {
        let path = try Fixtures.fixture()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Workers.executable)
        process.arguments = ["--scan", path, "/nonexistent/x.so"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map { try? JSONParser.parse(String($0)) }
        #expect(lines.count == 2)
        #expect(lines.first??["abiMinor"] == 0)
        #expect(lines.last??["error"]?.stringValue == "file not found. Check the path given in --plugin-path or KAI_PLUGIN_PATH.")
    }
}
