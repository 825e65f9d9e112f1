import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// Every way a plugin file can be wrong gets a message naming the file, the
/// problem and the fix — and the host keeps the other plugins.
@Suite struct PluginLoadingTests {
    private func loadFailure(_ path: String) throws -> PluginLoadError {
        let host = Fixtures.host([path])
        #expect(host.plugins.isEmpty)
        return try #require(host.failures.first)
    }

    @Test func load_whenFileIsMissing_saysFileNotFound() throws {
        let path = Fixtures.scratch + "/does-not-exist.so"
        #expect(try loadFailure(path).description
            == "\(path): file not found. Check the path given in --plugin-path or KAI_PLUGIN_PATH.")
    }

    @Test func load_whenFileIsNotELF_quotesItsFirstBytes() throws {
        let path = Fixtures.scratch + "/script.so"
        try "#!/bin/sh\necho hi\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try loadFailure(path).description
            == "\(path): not an ELF shared object (it starts with \"#!/b\"). A plugin is a .so built with -shared -fPIC.")
    }

    @Test func load_whenBuiltForAnotherArchitecture_namesBoth() throws {
        // A 64-bit little-endian ELF header for an aarch64 shared object.
        var header: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0] + Array(repeating: 0, count: 8)
        header += [3, 0, 183, 0] + Array(repeating: 0, count: 44)
        let path = Fixtures.scratch + "/arm64.so"
        try Data(header).write(to: URL(fileURLWithPath: path))
        #expect(try loadFailure(path).description
            == "\(path): built for aarch64, but this host is x86_64. Rebuild the plugin for this architecture.")
    }

    @Test func load_whenEntrySymbolIsMissing_explainsHowToExportIt() throws {
        let path = try Fixtures.variant("FIXTURE_NO_ENTRY")
        #expect(try loadFailure(path).description
            == "\(path): does not export kai_plugin_entry_v1, so it is not a Kai plugin. Define KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t) (see plugin-sdk/README.md).")
    }

    @Test func load_whenABIMajorDiffers_rejectsPlugin() throws {
        let path = try Fixtures.variant("FIXTURE_ABI_MAJOR2")
        #expect(try loadFailure(path).description
            == "\(path): built for Kai plugin ABI 2, but this host speaks ABI 1. Use a build of the plugin for ABI 1, or a Kai that speaks ABI 2.")
    }

    @Test func load_whenPluginWantsNewerMinor_asksToUpgrade() throws {
        let path = try Fixtures.variant("FIXTURE_NEWER_MINOR")
        #expect(try loadFailure(path).description
            == "\(path): needs plugin ABI 1.7, but this host speaks 1.2. Upgrade Kai, or rebuild the plugin against the 1.2 headers.")
    }

    @Test func load_whenRequiredFunctionIsNull_namesTheFunction() throws {
        let path = try Fixtures.variant("FIXTURE_NULL_INVOKE")
        #expect(try loadFailure(path).description
            == "\(path): the descriptor's required function \"invoke\" is NULL. Set describe, create, destroy and invoke in kai_plugin.")
    }

    @Test func load_whenEntryReturnsNull_saysPluginRefusedThisHost() throws {
        let path = try Fixtures.variant("FIXTURE_ENTRY_NULL")
        #expect(try loadFailure(path).description
            == "\(path): kai_plugin_entry_v1 returned NULL: the plugin refuses to run with host ABI 1.2. Upgrade Kai or the plugin.")
    }

    @Test func load_whenDescribeFails_showsTheDetails() throws {
        let path = try Fixtures.variant("FIXTURE_DESCRIBE_FAILS")
        #expect(try loadFailure(path).description == "\(path): describe() failed with INTERNAL: describe exploded")
    }

    @Test func load_whenManifestIsNotJSON_pointsAtTheSyntaxError() throws {
        let path = try Fixtures.variant("FIXTURE_MANIFEST_NOT_JSON")
        let message = try loadFailure(path).description
        #expect(message.hasPrefix("\(path): its manifest is not valid JSON: "))
        #expect(message.contains("at line 1, column"))
        #expect(message.hasSuffix(". describe() must write one JSON object."))
    }

    @Test func load_whenManifestViolatesSchema_listsTheViolation() throws {
        let path = try Fixtures.variant("FIXTURE_MANIFEST_SCHEMA")
        #expect(try loadFailure(path).description == """
            \(path): its manifest does not match plugin-sdk/schema/manifest.schema.json:
              $: missing required property "version" (required)
            """)
    }

    @Test func load_whenManifestNetworkIsNotABoolean_saysSo() throws {
        let path = try Fixtures.variant("FIXTURE_NETWORK_NOT_BOOL")
        #expect(try loadFailure(path).description == """
            \(path): its manifest does not match plugin-sdk/schema/manifest.schema.json:
              $.network: expected boolean, got string (type)
            """)
    }

    @Test func load_whenACapabilityHasAnUnknownKey_rejectsPluginNamingTheKey() throws {
        let path = try Fixtures.variant("FIXTURE_CAPABILITY_TYPO")
        let valid = try #require(Fixtures.host([try Fixtures.fixture()]).plugins.first)
        let add = try #require(valid.manifest.capabilities.firstIndex { $0.name == "add" })
        #expect(try loadFailure(path).description == """
            \(path): its manifest does not match plugin-sdk/schema/manifest.schema.json:
              $.capabilities[\(add)]: property "concurency" is not allowed (additionalProperties)
            """)
    }

    @Test func scanCacheKey_changesWithTheManifestSchemaRevision() {
        // Cached manifests skip the schema check, so one cached under looser
        // rules must not be trusted by a host with stricter ones.
        #expect(FileIdentity.currentHostABI == "\(ABIVersion.major).\(ABIVersion.minor)/manifest-\(ManifestSchema.revision)")
        #expect(ManifestSchema.revision >= 2)
    }

    @Test func load_whenManifestRepeatsAToolName_rejectsPlugin() throws {
        let path = try Fixtures.variant("FIXTURE_DUP_TOOL")
        #expect(try loadFailure(path).description
            == "\(path): its manifest declares capability \"add\" more than once. Capability names must be unique within a plugin.")
    }

    @Test func load_whenTwoFilesShareAnID_keepsTheFirstAndReportsTheSecond() throws {
        let first = try Fixtures.fixture(id: "test.same")
        let second = try Fixtures.compile("test_same_copy", flags: ["-DFIXTURE_ID=\"test.same\""])
        let host = Fixtures.host([first, second])
        #expect(host.plugins.map(\.path) == [first])
        #expect(host.failures.map(\.description) == [
            "\(second): plugin id \"test.same\" is already loaded from \(first); this copy is skipped. Give each plugin its own id."
        ])
    }

    @Test func load_whenSomePluginsAreBad_loadsTheOthers() throws {
        let good = try Fixtures.fixture()
        let bad = [try Fixtures.variant("FIXTURE_NULL_INVOKE"), Fixtures.scratch + "/missing.so", try Fixtures.variant("FIXTURE_ABI_MAJOR2")]
        let host = Fixtures.host(bad + [good])
        #expect(host.plugins.map(\.id) == ["test.fixture"])
        #expect(host.failures.map(\.path) == bad)
        #expect(try host.call("add", #"{"a": 2, "b": 3}"#) == ["sum": 5])
    }

    @Test func createFailure_isReportedAtFirstCallAndRemembered() throws {
        let host = Fixtures.host([try Fixtures.variant("FIXTURE_INIT_FAILS")])
        let path = try Fixtures.variant("FIXTURE_INIT_FAILS")
        let expected = "tool \"test.fixture.add\" is unavailable: \(path): create() failed with INVALID_INPUT: missing API endpoint (field: endpoint)"
        #expect(host.callError("add", #"{"a": 1, "b": 1}"#)?.description == expected)
        #expect(host.callError("add", #"{"a": 1, "b": 1}"#)?.description == expected)
    }

    @Test func embeddedManifestSchema_equalsTheSDKFile() throws {
        let file = try String(contentsOfFile: Fixtures.repositoryRoot + "/plugin-sdk/schema/manifest.schema.json", encoding: .utf8)
        #expect(try JSONParser.parse(file) == JSONParser.parse(ManifestSchema.text))
    }
}
