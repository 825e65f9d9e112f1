import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Issue 9, items 6 (c) and 6 (d): `kai plugins enable|disable` fails loudly
/// when a write fails, and a status that cannot be read never lets a
/// disabled plugin run.
@Suite(.serialized) struct StatusWriteFailureTests {
    typealias Workspace = RegistryCLITests.Workspace

    /// Overwrites the page of the registry's `plugins` table with garbage, so
    /// every read of a plugin's status fails (SQLITE_CORRUPT) while the rest
    /// of the file — and so opening it — still works.
    static func corruptPluginsTable(_ database: String, disabling plugin: String? = nil) throws {
        _ = try Python.run("""
            import sqlite3, sys
            path, plugin = sys.argv[1], sys.argv[2]
            db = sqlite3.connect(path, isolation_level=None)
            if plugin:
                db.execute("UPDATE plugins SET status = 'inactive', status_reason = 'disabled by supervision: test' WHERE id = ?", (plugin,))
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = db.execute("PRAGMA page_size").fetchone()[0]
            page = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'plugins'").fetchone()[0]
            db.close()
            with open(path, "r+b") as f:
                f.seek((page - 1) * size)
                f.write(b"\\xa5" * size)
            """, [database, plugin ?? ""])
    }

    // MARK: 6 (d)

    @Test func toolsCall_whenThePluginStatusCannotBeRead_refusesTheCall() throws {
        let workspace = try Workspace("status-unreadable")
        #expect(try workspace.kai(["tools", "call", "add", "--args", #"{"a": 1, "b": 2}"#]).status == 0)
        try Self.corruptPluginsTable(workspace.database, disabling: "test.fixture")
        let outcome = try workspace.kai(["tools", "call", "add", "--args", #"{"a": 1, "b": 2}"#])
        #expect(outcome.stdout == "", "the plugin must not run")
        #expect(outcome.status == 74)
        #expect(outcome.stderr.hasSuffix("""
            kai: error: cannot read the status of plugin test.fixture in the registry, so the call of test.fixture.add \
            was refused (a plugin supervision disabled must not run): \
            registry database damaged: run `kai registry check` (database: \(workspace.database))\n
            """), "\(outcome.stderr)")
    }

    // MARK: 6 (c)

    @Test func enable_whenTheRegistryWriteFails_exits74SayingWhatWasNotRecorded() throws {
        let workspace = try Workspace("enable-registry-fails")
        #expect(try workspace.kai(["tools", "call", "add", "--args", #"{"a": 1, "b": 2}"#]).status == 0)
        try Self.corruptPluginsTable(workspace.database)
        let outcome = try workspace.kai(["plugins", "enable", "test.fixture"])
        #expect(outcome.status == 74)
        #expect(outcome.stdout == "")
        #expect(outcome.stderr.hasSuffix("""
            kai: error: enabled test.fixture in \(workspace.config), but could not record it in the registry: \
            registry database damaged: run `kai registry check` (database: \(workspace.database)). \
            Until then calls to it may stay refused (a supervision disable is lifted only in the registry): \
            fix the registry and run `kai plugins enable test.fixture` again.\n
            """), "\(outcome.stderr)")
    }

    @Test func disable_whenTheRegistryWriteFails_exits74() throws {
        let workspace = try Workspace("disable-registry-fails")
        #expect(try workspace.kai(["tools", "call", "add", "--args", #"{"a": 1, "b": 2}"#]).status == 0)
        try Self.corruptPluginsTable(workspace.database)
        let outcome = try workspace.kai(["plugins", "disable", "test.fixture"])
        #expect(outcome.status == 74)
        #expect(outcome.stderr.hasSuffix("""
            kai: error: disabled test.fixture in \(workspace.config), but could not record it in the registry: \
            registry database damaged: run `kai registry check` (database: \(workspace.database)). \
            Until then `kai registry status` may still count it as active: \
            fix the registry and run `kai plugins disable test.fixture` again.\n
            """), "\(outcome.stderr)")
    }

    @Test(.enabled(if: PrivateMount.available, PrivateMount.missing))
    func enable_whenTheConfigDirectoryIsReadOnly_exits78NamingTheFile() throws {
        let workspace = try Workspace("enable-config-read-only")
        let directory = workspace.directory + "/conf"
        let config = directory + "/kai.yaml"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: workspace.config, toPath: config)
        let before = try String(contentsOfFile: config, encoding: .utf8)
        let outcome = try PrivateMount.run("""
            mount -o bind,ro \(directory) \(directory) || exit 90
            '\(KaiProcess.executable)' plugins disable test.fixture --config '\(config)' --no-bundled-plugins
            """)
        #expect(outcome.status == 78)
        #expect(outcome.stdout == "")
        #expect(outcome.stderr.hasSuffix("""
            kai: error: \(config): cannot create a temporary file in its directory: Read-only file system. \
            Check that the file's directory is writable (and not on a read-only mount).\n
            """), "\(outcome.stderr)")
        #expect(try String(contentsOfFile: config, encoding: .utf8) == before)
    }
}
