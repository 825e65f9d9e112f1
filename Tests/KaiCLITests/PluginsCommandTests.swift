import Foundation
import KaiJSON
import KaiTestSupport
import Testing

@Suite struct PluginsCommandTests {
    @Test func pluginsListJSON_showsLoadedAndFailedPlugins() throws {
        let missing = NSTemporaryDirectory() + "no-such-plugin.so"
        let outcome = try KaiProcess.run(["plugins", "list", "--json", "--plugin-path", missing])
        #expect(outcome.status == 0)
        let plugins = try #require(try JSONParser.parse(outcome.stdout).arrayValue)
        let ids = plugins.compactMap { $0["id"]?.stringValue }
        #expect(ids.contains("dev.kai.text") && ids.contains("dev.kai.utils"))
        let failed = try #require(plugins.first { $0["status"] == "failed" })
        #expect(failed["path"]?.stringValue == missing)
        #expect(failed["error"] == "file not found. Check the path given in --plugin-path or KAI_PLUGIN_PATH.")
    }

    @Test func pluginsInfo_showsTheManifestAndInstantiates() throws {
        let outcome = try KaiProcess.run(["plugins", "info", "dev.kai.text", "--json"])
        #expect(outcome.status == 0)
        let info = try JSONParser.parse(outcome.stdout)
        #expect(info["status"] == "active")
        #expect(info["instance"] == "ready")
        #expect(info["manifest"]?["id"] == "dev.kai.text")
        #expect(info["manifest"]?["configSchema"]?["type"] == "object")
    }

    @Test func pluginsInfo_whenCreateFails_saysWhy() throws {
        let path = try Fixtures.variant("FIXTURE_INIT_FAILS")
        let outcome = try KaiProcess.run(["plugins", "info", "test.fixture", "--plugin-path", path, "--no-bundled-plugins"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("status:      active\ninstance:    failed — create() failed with INVALID_INPUT: missing API endpoint (field: endpoint)"))
    }

    @Test func pluginsListAndInfo_agreeOnAPluginsStatus() throws {
        for id in ["dev.kai.text", "dev.kai.utils"] {
            let list = try KaiProcess.run(["plugins", "list", "--json"])
            let info = try KaiProcess.run(["plugins", "info", id, "--json"])
            let listed = try #require(try JSONParser.parse(list.stdout).arrayValue?.first { $0["id"] == .string(id) })
            #expect(listed["status"] == "active")
            #expect(try JSONParser.parse(info.stdout)["status"] == listed["status"])
        }
        let table = try KaiProcess.run(["plugins", "list"])
        let text = try KaiProcess.run(["plugins", "info", "dev.kai.text"])
        #expect(table.stdout.split(separator: "\n").contains { $0.hasPrefix("dev.kai.text ") && $0.contains("  active  ") })
        #expect(text.stdout.contains("\nstatus:      active\n"))
    }

    @Test func pluginsInfo_whenIDIsUnknown_exits66AndListsKnownIDs() throws {
        let outcome = try KaiProcess.run(["plugins", "info", "dev.kai.nope"])
        #expect(outcome.status == 66)
        #expect(outcome.stderr.hasPrefix("kai: error: no plugin with id \"dev.kai.nope\". Loaded plugins: "))
        #expect(outcome.stderr.contains("dev.kai.text, dev.kai.utils"))
    }
}
