import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Review item 3: plugin code never runs outside its configured isolation.
/// `kai plugins info` creates an isolated plugin's instance in its worker
/// (a create() that crashes takes the worker down, not kai) and does not
/// create a plugin that supervision disabled at all; a sandbox-configured
/// file is scanned inside the sandbox.
@Suite struct IsolatedInstantiationCLITests {
    /// A config loading `plugin` with `isolation` (nil: the default).
    struct Workspace {
        let directory: String
        let config: String
        let database: String
        let plugin: String

        init(_ name: String, plugin: String, isolation: String?) throws {
            directory = Fixtures.scratch + "/instantiate-\(name)"
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            config = directory + "/kai.yaml"
            database = directory + "/registry.sqlite"
            self.plugin = plugin
            try """
                database: \(database)
                plugins:
                  - path: \(plugin)
                \(isolation.map { "    isolation: \($0)" } ?? "")
                """.write(toFile: config, atomically: true, encoding: .utf8)
        }

        func kai(_ arguments: [String]) throws -> KaiProcess.Outcome {
            try KaiProcess.run(arguments + ["--config", config, "--no-bundled-plugins"])
        }
    }

    @Test func pluginsInfo_ofAProcessIsolatedPlugin_createsItInItsWorker_notInKai() throws {
        let workspace = try Workspace("crash-process", plugin: try Fixtures.variant("FIXTURE_CREATE_CRASH"), isolation: "process")
        let outcome = try workspace.kai(["plugins", "info", "test.fixture"])
        #expect(outcome.status == 0, "kai itself must not run create(): \(outcome.stderr)")
        #expect(outcome.stdout.contains("\ninstance:    failed — its worker process was killed by SIGSEGV (segmentation fault) "
            + "while starting (in the plugin's entry function, describe() or create()). The next call tries again.\n"), "\(outcome.stdout)")
    }

    @Test func pluginsInfo_ofASupervisionDisabledPlugin_doesNotCreateIt() throws {
        let workspace = try Workspace("crash-disabled", plugin: try Fixtures.variant("FIXTURE_CREATE_CRASH"), isolation: nil)
        #expect(try workspace.kai(["plugins", "list"]).status == 0)
        _ = try Python.run("""
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("UPDATE plugins SET status = 'inactive', status_reason = 'disabled by supervision: test' WHERE id = 'test.fixture'")
            """, [workspace.database])
        let outcome = try workspace.kai(["plugins", "info", "test.fixture"])
        #expect(outcome.status == 0, "create() must not run: \(outcome.stderr)")
        #expect(outcome.stdout.contains("\ninstance:    not created — the plugin is disabled by supervision, so its code is not run\n"),
                "\(outcome.stdout)")
    }

    @Test func pluginsInfo_ofASandboxConfiguredFile_scansItInsideTheSandbox() throws {
        if let missing = SandboxProbe.missing() { try Test.cancel(Comment(rawValue: missing)) }
        let probe = try Fixtures.compile("describe_host_cli", source: Fixtures.repositoryRoot + "/Tests/Fixtures/probe_plugin.c",
                                         flags: ["-DPROBE_DESCRIBE_HOST"])
        let workspace = try Workspace("scan-sandbox", plugin: probe, isolation: "sandbox")
        let outcome = try workspace.kai(["plugins", "info", "test.probe", "--json"])
        try #require(outcome.status == 0, "\(outcome.stderr)")
        let info = try JSONParser.parse(outcome.stdout)
        let description = info["manifest"]?["description"]?.stringValue ?? ""
        #expect(description.hasPrefix("scanned on host kai-plugin by pid "), "describe() ran outside the sandbox: \(description)")
        #expect(info["instance"] == "ready")
    }
}
