import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// A manifest the host makes (PluginSource.manifest) replaces the file's
/// describe(): the tools it lists are the plugin's, in-process and in a
/// worker, and one file can serve several plugin ids.
@Suite struct HostGivenManifestTests {
    static func manifest(id: String, path: String) throws -> PluginManifest {
        try PluginManifest.hostGiven([
            "id": .string(id), "version": "1.0.0", "abiMinor": .integer(Int64(ABIVersion.minor)),
            "capabilities": [[
                "kind": "tool", "name": "add", "description": "Adds a and b.",
                "inputSchema": ["type": "object", "properties": ["a": ["type": "integer"], "b": ["type": "integer"]],
                                "required": ["a", "b"], "additionalProperties": false],
            ]],
        ], path: path)
    }

    @Test(arguments: [PluginIsolation.inprocess, .process])
    func hostGivenManifest_namesThePluginAndItsToolsInsteadOfDescribe(isolation: PluginIsolation) throws {
        let path = try Fixtures.fixture(id: "test.described")
        let settings = PluginSettings(isolation: isolation, worker: Workers.policy())
        let sources = try ["test.first", "test.second"].map {
            PluginSource(path: path, settings: settings, manifest: try Self.manifest(id: $0, path: path))
        }
        let host = PluginHost.load(from: ListCatalog(sources: sources), scanning: .inProcess)
        defer { host.shutdown() }
        #expect(host.failures.isEmpty)
        #expect(host.plugins.map(\.id) == ["test.first", "test.second"])
        #expect(host.tools.entries.map(\.qualifiedName) == ["test.first.add", "test.second.add"])
        #expect(try host.call("test.second.add", #"{"a": 2, "b": 3}"#) == ["sum": 5])
        // The host-given schema is the one calls are validated against.
        #expect(host.callError("test.first.add", #"{"a": 2.5, "b": 3}"#)?.description.contains("integer") == true)
        // describe()'s tools are not offered.
        #expect(host.callError("test.first.echo", "{}") != nil)
    }

    @Test func hostGivenManifest_isCheckedLikeDescribeOutput() {
        #expect(throws: PluginLoadError.self) {
            try PluginManifest.hostGiven(["id": "no-dot", "version": "1.0.0", "abiMinor": 0, "capabilities": []], path: "/x.so")
        }
    }
}
