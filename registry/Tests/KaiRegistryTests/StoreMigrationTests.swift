import Foundation
import GRDB
import KaiCore
@testable import KaiRegistry
import Testing

struct StoreMigrationTests {
    @Test func open_onEmptyDirectory_createsEveryTableAndMigration() throws {
        let fixture = try StoreFixture()
        let tables = try fixture.read { db in
            try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        #expect(tables.isSuperset(of: [
            "plugins", "capabilities", "capability_tags", "performance_records", "capability_stats",
            "peer_latency", "call_log", "scan_cache",
        ]))
        let applied = try fixture.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied == ["v1-plugins", "v1-capabilities", "v1-performance", "v1-call-log", "v1-scan-cache", "v2-indexes", "v3-call-log-provider-usage",
                           "v4-provider-breakers", "v4-call-log-route", "v5-sessions", "v5-approvals", "v6-mcp-tools"])
        let ranking = try fixture.read { db in try db.indexes(on: "capability_stats").map(\.name) }
        #expect(ranking.contains("capability_stats_ranking"))
    }

    @Test func open_usesWALAndForeignKeys() throws {
        let fixture = try StoreFixture()
        let (mode, keys) = try fixture.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(mode == "wal")
        #expect(keys == 1)
    }

    @Test func open_inMissingDirectories_createsThem() throws {
        let path = StoreFixture.makeDirectory() + "/a/b/kai/registry.sqlite"
        _ = try RegistryStore(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func reopen_keepsDataAndRunsNoMigrationTwice() throws {
        let fixture = try StoreFixture()
        try fixture.plugin("p", [("t", ["coding"])])
        let again = try RegistryStore(path: fixture.path)
        #expect(try again.pluginStatus(id: "p") == .active)
    }

    @Test func open_whenNewerKaiMigratedTheFile_refusesAndWritesNothing() throws {
        let directory = StoreFixture.makeDirectory()
        let path = directory + "/registry.sqlite"
        do {
            _ = try RegistryStore(path: path)
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-x')")
            }
            try queue.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let mtimeBefore = try #require(FileIdentity.of(path: path)).mtimeNanoseconds

        #expect(throws: StoreError.newerSchema(file: "registry.sqlite", unknownMigration: "v9-x")) {
            _ = try RegistryStore(path: path)
        }
        let error = try #require(throws: StoreError.self) { _ = try RegistryStore(path: path) }
        #expect(error.code == .newerSchema)
        #expect(error.message == "registry.sqlite was written by a newer Kai (migration 'v9-x' is unknown to this version); upgrade Kai or point --database at another file")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(FileIdentity.of(path: path)?.mtimeNanoseconds == mtimeBefore)
        let wal = FileIdentity.of(path: path + "-wal")
        #expect(wal == nil || wal?.size == 0)
    }

    @Test(arguments: [
        (["XDG_DATA_HOME": "/data", "HOME": "/home/u"], "/data/kai/registry.sqlite"),
        (["HOME": "/home/u"], "/home/u/.local/share/kai/registry.sqlite"),
        (["XDG_DATA_HOME": "relative", "HOME": "/home/u"], "/home/u/.local/share/kai/registry.sqlite"),
        (["XDG_DATA_HOME": "", "HOME": "/home/u"], "/home/u/.local/share/kai/registry.sqlite"),
    ])
    func defaultPath_followsXDG(environment: [String: String], expected: String) {
        #expect(RegistryStore.defaultPath(environment: environment) == expected)
    }
}
