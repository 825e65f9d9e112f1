import Foundation
import KaiCore
import KaiTestSupport
import Testing

/// A sandboxed worker sees its plugin's whole directory, so a plugin lying
/// directly in a directory shared with other files (/tmp, /home, the user's
/// home, ...) is refused with the fix, rather than exposing all of it.
@Suite struct WorkerSharedDirectoryTests {
    @Test func sandboxPlugin_directlyInTmp_isRefusedSayingWhereToPutIt() throws {
        if let missing = Probe.sandboxMissing() { try Test.cancel(Comment(rawValue: missing)) }
        let path = "/tmp/libkai-direct-\(getpid()).so"
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: try Fixtures.fixture(id: "test.direct"), toPath: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let settings = PluginSettings(isolation: .sandbox, worker: Workers.policy())
        let host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: path, settings: settings)]),
                                   cache: ScanHelperTests.MemoryCache(), scanning: .helper(executable: Workers.executable, timeout: 5))
        #expect(host.plugins.isEmpty)
        #expect(host.failures.map(\.description) == [
            "\(path): isolation sandbox: the plugin is directly in /tmp, which kai does not show a sandboxed worker: "
                + "the worker sees its plugin's whole directory, and /tmp holds other files. "
                + "Put the plugin in a directory of its own (e.g. /tmp/kai-plugins/NAME/), or use isolation: process.",
        ])
    }
}
