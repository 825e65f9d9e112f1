import KaiCore
import KaiJSON
import KaiJSONSchema
import Foundation
import KaiNative
import KaiTestSupport
import Testing

/// A native_tools entry on a real host: the manifest and schemas the host
/// makes, and supervision — a crash fails one call and the same host's
/// next call gets a fresh worker.
@Suite struct NativeHostTests {
    static let bridge = Fixtures.buildDirectory + "/" + NativeToolsEntry.bridgeFileName

    static func entry(_ signatures: [String], library: String = "libc.so.6", isolation: NativeToolsEntry.Isolation = .process) throws -> NativeToolsEntry {
        NativeToolsEntry(id: "native.test", library: library, isolation: isolation, functions: try signatures.map { text in
            NativeFunction(signature: try CSignatureParser.parse(text), text: text, description: "A test function.")
        })
    }

    static func host(_ entry: NativeToolsEntry) throws -> PluginHost {
        let source = entry.pluginSource(bridgePath: bridge, manifest: try entry.manifest(bridgePath: bridge))
        return PluginHost.load(from: ListCatalog(sources: [source]))
    }

    @Test func aCrashFailsOneCall_andTheSameHostsNextCallSucceeds() throws {
        let host = try Self.host(try Self.entry(["unsigned long strlen(unsigned long s)", "int atoi(const char *s)"]))
        defer { host.shutdown() }
        let crash = host.callError("strlen", #"{"s": 1}"#)
        #expect(crash?.description == "tool \"native.test.strlen\" failed: its worker process was killed by SIGSEGV (segmentation fault) "
            + "during the call. The host is unaffected; the next call starts a fresh worker.")
        #expect(try host.call("atoi", #"{"s": "12"}"#) == ["result": 12])
        #expect(host.callError("strlen", #"{"s": 0}"#)?.description
            == "tool \"native.test.strlen\" failed: its worker process was killed by SIGSEGV (segmentation fault) "
            + "during the call. The host is unaffected; the next call starts a fresh worker.", "the same wrong signature crashes again, alone")
        #expect(try host.call("atoi", #"{"s": "13"}"#) == ["result": 13])
    }

    @Test func aFloatParameter_takesTheNearestFloat_andRefusesNumbersBeyondFLTMAX() throws {
        let host = try Self.host(try Self.entry(["float fabsf(float x)"], library: "libm.so.6"))
        defer { host.shutdown() }
        #expect(try host.call("fabsf", #"{"x": 16777217}"#) == ["result": 16777216])
        #expect(try host.call("fabsf", #"{"x": -0.5}"#) == ["result": 0.5])
        #expect(host.callError("fabsf", #"{"x": 1e39}"#)?.description == """
            arguments for "native.test.fabsf" do not match its input schema:
              $.x: 1e+39 is greater than the maximum of 3.4028234663852886e+38 (maximum)
            Run 'kai tools describe native.test.fabsf' to see the schema.
            """)
    }

    @Test func theManifest_boundsEveryIntegerByItsCType_andDescribesTheResult() throws {
        let entry = try Self.entry(["unsigned long crc32(unsigned long crc, const unsigned char buf[len], unsigned int len)",
                                    "void f(int8_t a, short b, unsigned int c, long d, float e, char out[4])"])
        let manifest = try entry.manifest(bridgePath: Self.bridge)
        let crc32 = try #require(manifest.capability(named: "crc32"))
        #expect(crc32.inputSchema?["properties"]?["crc"] == [
            "type": "integer", "minimum": 0, "maximum": .number(18446744073709551615.0),
            "description": "unsigned long, 0 to 18446744073709551615",
        ])
        #expect(crc32.inputSchema?["required"] == ["crc", "buf"])
        #expect(crc32.annotations == nil, "unannotated: agents' calls need approval")
        let f = try #require(manifest.capability(named: "f"))
        let properties = try #require(f.inputSchema?["properties"])
        #expect(properties["a"]?["minimum"] == -128 && properties["a"]?["maximum"] == 127)
        #expect(properties["b"]?["minimum"] == -32768 && properties["b"]?["maximum"] == 32767)
        #expect(properties["c"]?["minimum"] == 0 && properties["c"]?["maximum"] == 4294967295)
        #expect(properties["d"]?["minimum"] == .integer(Int64.min) && properties["d"]?["maximum"] == .integer(Int64.max))
        #expect(properties["e"]?["maximum"] == .number(Double(Float.greatestFiniteMagnitude)))
        #expect(properties["out"] == nil)
        #expect(f.outputSchema == [
            "type": "object", "properties": ["result": ["type": "null"], "out": ["type": "string"]],
            "required": ["result", "out"], "additionalProperties": false,
        ])
    }

    @Test func anOperatorRange_narrowsTheTypesRange() throws {
        var entry = try Self.entry(["int abs(int j)"])
        entry.functions[0].parameters["j"] = NativeFunction.ParameterNote(description: "Any small number.", minimum: -10, maximum: 10)
        let host = try Self.host(entry)
        defer { host.shutdown() }
        #expect(try host.call("abs", #"{"j": -10}"#) == ["result": 10])
        #expect(host.callError("abs", #"{"j": 11}"#)?.description
            == "arguments for \"native.test.abs\" do not match its input schema:\n  $.j: 11 is greater than the maximum of 10 (maximum)\nRun 'kai tools describe native.test.abs' to see the schema.")
    }

    @Test func aLibraryThatCannotBeOpened_failsItsCallsSayingWhy() throws {
        let host = try Self.host(try Self.entry(["int f(int x)"], library: "/nonexistent/libnothing.so", isolation: .inprocess))
        defer { host.shutdown() }
        let message = host.callError("f", #"{"x": 1}"#)?.description ?? ""
        #expect(message.contains("cannot open library /nonexistent/libnothing.so: /nonexistent/libnothing.so: cannot open shared object file: No such file or directory"),
                "\(message)")
    }
}

/// The config the host hands the bridge follows the SDK's published schema.
@Suite struct NativeBridgeConfigSchemaTests {
    @Test func theBridgeConfig_matchesPluginSDKSchema() throws {
        let text = try String(contentsOfFile: Fixtures.repositoryRoot + "/plugin-sdk/schema/native-bridge-config.schema.json", encoding: .utf8)
        let schema = try JSONSchema(try JSONParser.parse(text))
        let entry = try NativeHostTests.entry([
            "unsigned long crc32(unsigned long crc, const unsigned char buf[len], unsigned int len)",
            "void f(const char *s, char out[16], const double xs[n], int n, bool b, float x)", "const char *v(void)",
        ])
        #expect(schema.validate(entry.bridgeConfig).isEmpty, "\(schema.validate(entry.bridgeConfig))")
        #expect(entry.bridgeConfig["functions"]?.arrayValue?.first?["params"] == [
            ["name": "crc", "ctype": "unsigned long", "kind": "uint64"],
            ["name": "buf", "ctype": "const unsigned char[len]", "kind": "bytes", "lengthParam": 2],
            ["name": "len", "ctype": "unsigned int", "kind": "uint32", "fills": 1],
        ])
    }
}

/// The bridge trusts no index or size in its config: a tampered one fails
/// create() with the reason instead of reaching memory it did not allocate.
@Suite struct NativeBridgeConfigCheckTests {
    static func createError(_ params: JSONValue) throws -> String {
        let entry = try NativeHostTests.entry(["unsigned long crc32(unsigned long crc, const unsigned char buf[len], unsigned int len)"],
                                              library: "libz.so.1", isolation: .inprocess)
        var source = entry.pluginSource(bridgePath: NativeHostTests.bridge, manifest: try entry.manifest(bridgePath: NativeHostTests.bridge))
        source.settings?.config = ["library": "libz.so.1", "functions": [
            ["name": "crc32", "symbol": "crc32", "returns": "uint64", "params": params],
        ]]
        let host = PluginHost.load(from: ListCatalog(sources: [source]))
        defer { host.shutdown() }
        return host.callError("crc32", #"{"crc": 0, "buf": "x"}"#)?.description ?? "no error"
    }

    static let tampered: [(JSONValue, String)] = [
        (.array([["name": "crc", "kind": "uint64"], ["name": "buf", "kind": "bytes", "lengthParam": 7], ["name": "len", "kind": "uint32", "fills": 1]]),
         "function crc32: parameter buf has a bad lengthParam or size"),
        ([["name": "crc", "kind": "uint64"], ["name": "buf", "kind": "bytes", "lengthParam": 0], ["name": "len", "kind": "uint32"]],
         "function crc32: its buffers and length parameters do not match"),
        ([["name": "crc", "kind": "uint64"], ["name": "buf", "kind": "out", "size": 2_000_000], ["name": "len", "kind": "uint32"]],
         "function crc32: parameter buf has a bad fills or size"),
        ([["name": "crc", "kind": "pointer"]], "function crc32: parameter crc has an unknown kind"),
    ]

    @Test(arguments: tampered)
    func aTamperedConfig_failsCreate_sayingWhy(params: JSONValue, reason: String) throws {
        let message = try Self.createError(params)
        #expect(message.contains(reason), "\(message)")
    }
}
