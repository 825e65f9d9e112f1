import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// The provider contract's files: the schemas the host embeds equal the
/// SDK's, and plugins built against the frozen 1.0 headers keep working.
@Suite struct ProviderContractTests {
    @Test(arguments: ["chat-request", "chat-response", "models"])
    func embeddedSchema_equalsTheSDKFile(name: String) throws {
        let file = try String(contentsOfFile: Fixtures.repositoryRoot + "/plugin-sdk/schema/\(name).schema.json", encoding: .utf8)
        let embedded = try #require(ProviderSchemas.text(name))
        #expect(try JSONParser.parse(Array(embedded.utf8)) == JSONParser.parse(Array(file.utf8)))
    }

    /// Tests/Fixtures/abi-1.0 is a frozen copy of the 1.0 headers: never
    /// edit it. A plugin compiled against it (its kai_call is 64 bytes, it
    /// says abiMinor 0) loads in this 1.1 host and its tools answer.
    @Test func aPluginBuiltAgainstThe10Headers_loadsAndWorks() throws {
        let path = try Fixtures.compile(
            "fixture_abi10", flags: ["-DFIXTURE_ID=\"test.abi10\""], include: Fixtures.repositoryRoot + "/Tests/Fixtures/abi-1.0")
        let host = Fixtures.host([path])
        #expect(host.failures.isEmpty)
        let plugin = try #require(host.plugins.first)
        #expect(plugin.manifest.abiMinor == 0)
        #expect(try host.call("test.abi10.add", #"{"a": 1, "b": 2}"#) == ["sum": 3])
        // call_tool from a 1.0 plugin still routes through the host.
        #expect(try host.call("test.abi10.call_tool", #"{"name": "test.abi10.add", "args": {"a": 2, "b": 2}}"#) == ["sum": 4])
    }

    /// A 1.0 provider: never sent KAI_OP_LIST_MODELS (its manifest's models
    /// are the list, the first the default), serial as 1.0 promised, and its
    /// answers still validated and returned.
    @Test func aProviderBuiltAgainstThe10Headers_listsItsManifestModels_andAnswers() throws {
        let path = try Fixtures.compile(
            "provider_v10", source: Fixtures.repositoryRoot + "/Tests/Fixtures/provider_v10_plugin.c",
            include: Fixtures.repositoryRoot + "/Tests/Fixtures/abi-1.0")
        let host = Fixtures.host([path])
        #expect(host.failures.isEmpty)
        #expect(try host.listModels(provider: "old") == [
            ProviderModel(id: "old-1", description: nil, contextLength: nil, isDefault: true),
            ProviderModel(id: "old-2", description: nil, contextLength: nil, isDefault: false),
        ])
        #expect(host.providers.first?.capability.concurrency == .serial)
        let result = try host.callProvider("old/old-2", request: Array(#"{"messages":[{"role":"user","content":"hi"}]}"#.utf8))
        #expect(result.content == "from 1.0" && result.model == "old-2" && result.usage?.outputTokens == 2)
    }

    @Test func the10HeadersCopy_isUnchanged() throws {
        // The copy's kai_call ends at host_call: 64 bytes, as shipped in 1.0.
        let header = try String(contentsOfFile: Fixtures.repositoryRoot + "/Tests/Fixtures/abi-1.0/kai/kai_abi.h", encoding: .utf8)
        #expect(header.contains("#define KAI_ABI_MINOR 0"))
        let host = try String(contentsOfFile: Fixtures.repositoryRoot + "/Tests/Fixtures/abi-1.0/kai/kai_host.h", encoding: .utf8)
        #expect(!host.contains("operation"))
    }
}
