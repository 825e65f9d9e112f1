import KaiCore
@testable import KaiRegistry
import Testing

/// Which isolation a plugin file is scanned under, before its manifest (and
/// so its id) is known: an entry that names a plugin by id may be about any
/// file, so the strongest isolation such an entry asks for applies to all.
@Suite struct ScanIsolationCatalogTests {
    func isolation(_ yaml: String, path: String = "/opt/plugins/libx.so") throws -> PluginIsolation {
        ConfigCatalog(config: try loadConfig(yaml)).scanIsolation(path: path)
    }

    @Test func anIdEntryAskingForProcess_scansEveryFileInAHelper() throws {
        #expect(try isolation("plugins:\n  - path: /opt/plugins\n  - id: acme.x\n    isolation: process\n") == .process)
    }

    @Test func anIdEntryAskingForSandbox_winsOverProcess() throws {
        #expect(try isolation("""
            plugins:
              - path: /opt/plugins
              - id: acme.x
                isolation: process
              - id: acme.y
                isolation: sandbox
            """) == .sandbox)
    }

    @Test func theEntryNamingTheFile_setsItsOwnIsolation() throws {
        #expect(try isolation("plugins:\n  - path: /opt/plugins/libx.so\n    isolation: process\n") == .process)
        #expect(try isolation("plugins:\n  - path: /opt/plugins\n") == .inprocess)
    }
}
