import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Review item 13: the registry's status gate is the host's, so it holds for
/// every call — a nested kai_host.call_tool included — and a status that
/// cannot be read shows as "unknown" (calls are refused), never "active".
@Suite(.serialized) struct PluginStatusGateTests {
    typealias Workspace = RegistryCLITests.Workspace

    /// Marks `plugin` in the registry as disabled by supervision, as a
    /// process whose worker kept failing would have.
    static func disableBySupervision(_ database: String, _ plugin: String) throws {
        _ = try Python.run("""
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("UPDATE plugins SET status = 'inactive', status_reason = 'disabled by supervision: it kept crashing' WHERE id = ?", (sys.argv[2],))
            """, [database, plugin])
    }

    @Test func nestedCall_toASupervisionDisabledPlugin_isRefused() throws {
        let target = try Fixtures.fixture(id: "test.target")
        let workspace = try Workspace("status-gate-nested", extra: "  - path: \(target)")
        #expect(try workspace.kai(["tools", "call", "test.target.add", "--args", #"{"a": 1, "b": 2}"#]).status == 0)
        try Self.disableBySupervision(workspace.database, "test.target")
        let direct = try workspace.kai(["tools", "call", "test.target.add", "--args", #"{"a": 1, "b": 2}"#])
        #expect(direct.status == 69, "\(direct.stderr)")
        let outcome = try workspace.kai([
            "tools", "call", "test.fixture.call_tool", "--args", #"{"name": "test.target.add", "args": {"a": 1, "b": 2}}"#,
        ])
        #expect(outcome.stdout == "", "the disabled plugin must not answer")
        #expect(outcome.status == 70, "\(outcome.stderr)")
        #expect(outcome.stderr == """
            kai: error: tool "test.fixture.call_tool" failed (UNAVAILABLE): tool "test.target.add" is unavailable: \
            plugin test.target was disabled because it kept crashing. Fix the plugin, then run 'kai plugins enable test.target'. (code: UNAVAILABLE)\n
            """)
    }

    @Test func listAndInfo_whenTheStatusCannotBeRead_showUnknownWithTheReason() throws {
        let workspace = try Workspace("status-gate-unknown")
        #expect(try workspace.kai(["tools", "call", "add", "--args", #"{"a": 1, "b": 2}"#]).status == 0)
        try StatusWriteFailureTests.corruptPluginsTable(workspace.database)
        let reason = "cannot read its status in the registry, so calls to it are refused: "
            + "registry database damaged: run `kai registry check` (database: \(workspace.database))"

        let list = try workspace.kai(["plugins", "list", "--json"])
        #expect(list.status == 0, "\(list.stderr)")
        let listed = try JSONParser.parse(list.stdout).arrayValue?.first
        #expect(listed?["status"] == "unknown")
        #expect(listed?["statusReason"] == .string(reason))
        let table = try workspace.kai(["plugins", "list"])
        #expect(table.stdout.split(separator: "\n").dropFirst().first?.contains(" unknown ") == true, "\(table.stdout)")

        let info = try workspace.kai(["plugins", "info", "test.fixture"])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.contains("\nstatus:      unknown — \(reason)\n"), "\(info.stdout)")
    }
}
