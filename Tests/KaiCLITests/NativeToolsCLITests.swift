import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Issue 15 end to end: C functions of real libraries (libm, libc, zlib)
/// and of a test library built here with cc, configured by signature in
/// kai.yaml and called with `kai tools call` — no wrapper code.
@Suite struct NativeToolsCLITests {
    /// Built with cc, exported (the fixtures' default hides symbols).
    static func edgesLibrary() throws -> String {
        try Fixtures.compile("native_edges", source: Fixtures.repositoryRoot + "/Tests/Fixtures/native_edges.c",
                             flags: ["-fvisibility=default"])
    }

    static let libraries = """
        native_tools:
          - id: native.libm
            library: libm.so.6
            functions:
              - signature: double cbrt(double x)
                description: The cube root of x.
                annotations: { readOnlyHint: true, openWorldHint: false }
              - { signature: "double pow(double x, double y)", description: "x to the power y." }
              - { signature: "double hypot(double x, double y)", description: "The hypotenuse." }
          - id: native.libc
            library: libc.so.6
            functions:
              - { signature: "size_t strlen(const char *s)", description: "Bytes in s." }
              - { signature: "int atoi(const char *s)", description: "s as an int." }
          - id: native.zlib
            library: libz.so.1
            functions:
              - signature: unsigned long crc32(unsigned long crc, const unsigned char buf[len], unsigned int len)
                description: Updates a running CRC-32 with the bytes of buf.
                parameters:
                  crc: { description: "The CRC so far (0 to start)." }
              - { signature: "unsigned long compressBound(unsigned long sourceLen)", description: "Worst-case compressed size." }
        """

    static func edges(_ library: String, id: String = "native.edges", isolation: String = "process") -> String {
        let functions = [
            "int8_t edge_i8(int8_t v)", "int16_t edge_i16(int16_t v)", "int32_t edge_i32(int32_t v)", "int64_t edge_i64(int64_t v)",
            "uint8_t edge_u8(uint8_t v)", "uint16_t edge_u16(uint16_t v)", "uint32_t edge_u32(uint32_t v)",
            "uint64_t edge_u64(uint64_t v)", "float edge_float(float v)", "double edge_double(double v)", "bool edge_not(bool v)",
            "double edge_mix(int8_t a, uint16_t b, int32_t c, uint64_t d, float e, double f, bool g)",
            "uint64_t edge_bytes(const unsigned char buf[len], uint8_t len)", "void edge_upper(const char *s, char out[16])",
            "void edge_fill(char out[8])", "double edge_mean(const double xs[n], int32_t n)", "const char *edge_version(void)",
            "const char *edge_null(void)", "void edge_touch(void)",
        ]
        return """
              - id: \(id)
                library: \(library)
                isolation: \(isolation)
                functions:
            \(functions.map { "      - { signature: \"\($0)\", description: \"An edge.\" }" }.joined(separator: "\n"))
            """
    }

    struct Workspace {
        let directory: String
        let config: String

        init(_ name: String, yaml: String) throws {
            directory = Fixtures.scratch + "/native-\(name)"
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            config = directory + "/kai.yaml"
            try "database: \(directory)/registry.sqlite\n\(yaml)\n".write(toFile: config, atomically: true, encoding: .utf8)
        }

        func kai(_ arguments: [String]) throws -> KaiProcess.Outcome {
            try KaiProcess.run(arguments + ["--config", config, "--no-bundled-plugins"], environment: ["HOME": directory])
        }

        func call(_ tool: String, _ arguments: String) throws -> KaiProcess.Outcome {
            try kai(["tools", "call", tool, "--args", arguments])
        }
    }

    static func workspace(_ name: String, isolation: String = "process") throws -> Workspace {
        try Workspace(name, yaml: libraries + "\n" + edges(try edgesLibrary(), isolation: isolation))
    }

    @Test func libmLibcAndZlib_areCalledBySignature() throws {
        let workspace = try Self.workspace("libraries")
        let cases: [(String, String, String)] = [
            ("cbrt", #"{"x": 27}"#, #"{"result":3.0000000000000004}"#),  // glibc's cbrt(27), to the last bit
            ("cbrt", #"{"x": -8}"#, #"{"result":-2}"#),
            ("pow", #"{"x": 2, "y": 10}"#, #"{"result":1024}"#),
            ("hypot", #"{"x": 3, "y": 4}"#, #"{"result":5}"#),
            ("strlen", #"{"s": "h\u00e9llo"}"#, #"{"result":6}"#),
            ("atoi", #"{"s": "-42 apples"}"#, #"{"result":-42}"#),
            ("crc32", #"{"crc": 0, "buf": "hello"}"#, #"{"result":907060870}"#),  // Python's zlib.crc32(b"hello")
            ("compressBound", #"{"sourceLen": 1000}"#, #"{"result":1013}"#),
        ]
        for (tool, arguments, expected) in cases {
            let outcome = try workspace.call(tool, arguments)
            #expect(outcome.status == 0, "\(tool): \(outcome.stderr)")
            #expect(outcome.stdout == expected + "\n", "\(tool) \(arguments)")
        }
    }

    static let edgeCases: [(String, String, String)] = [
        ("edge_i8", #"{"v": -128}"#, #"{"result":-128}"#), ("edge_i8", #"{"v": 127}"#, #"{"result":127}"#),
        ("edge_i16", #"{"v": -32768}"#, #"{"result":-32768}"#), ("edge_i16", #"{"v": 32767}"#, #"{"result":32767}"#),
        ("edge_i32", #"{"v": -2147483648}"#, #"{"result":-2147483648}"#), ("edge_i32", #"{"v": 2147483647}"#, #"{"result":2147483647}"#),
        ("edge_i64", #"{"v": -9223372036854775808}"#, #"{"result":-9223372036854775808}"#),
        ("edge_i64", #"{"v": 9223372036854775807}"#, #"{"result":9223372036854775807}"#),
        ("edge_u8", #"{"v": 255}"#, #"{"result":255}"#), ("edge_u16", #"{"v": 65535}"#, #"{"result":65535}"#),
        ("edge_u32", #"{"v": 4294967295}"#, #"{"result":4294967295}"#), ("edge_u8", #"{"v": 0}"#, #"{"result":0}"#),
        ("edge_u64", #"{"v": 18446744073709551615}"#, #"{"result":18446744073709551615}"#),
        ("edge_float", #"{"v": 3.4028234663852886e38}"#, #"{"result":3.4028235e+38}"#),
        ("edge_float", #"{"v": 0.1}"#, #"{"result":0.1}"#),
        ("edge_double", #"{"v": 1.7976931348623157e308}"#, #"{"result":1.7976931348623157e+308}"#),
        ("edge_double", #"{"v": -5e-324}"#, #"{"result":-4.94065645841247e-324}"#),
        ("edge_not", #"{"v": false}"#, #"{"result":true}"#),
        ("edge_mix", #"{"a": -1, "b": 2, "c": 3, "d": 4, "e": 0.5, "f": 0.25, "g": true}"#, #"{"result":9.75}"#),
        ("edge_bytes", #"{"buf": "AB"}"#, #"{"result":131002}"#),
        ("edge_bytes", #"{"buf": ""}"#, #"{"result":0}"#),
        ("edge_upper", #"{"s": "hello, world and more"}"#, #"{"result":null,"out":"HELLO, WORLD AN"}"#),
        ("edge_fill", "{}", #"{"result":null,"out":"xxxxxxxx"}"#),
        ("edge_mean", #"{"xs": [1, 2, 3.5]}"#, #"{"result":2.1666666666666665}"#),
        ("edge_mean", #"{"xs": []}"#, #"{"result":0}"#),
        ("edge_version", "{}", #"{"result":"edges 1.0 é"}"#),
        ("edge_null", "{}", #"{"result":null}"#),
        ("edge_touch", "{}", #"{"result":null}"#),
    ]

    @Test(arguments: ["process", "inprocess"])
    func everySupportedType_crossesAtItsEdgeValues(isolation: String) throws {
        let workspace = try Self.workspace("edges-\(isolation)", isolation: isolation)
        for (tool, arguments, expected) in Self.edgeCases {
            let outcome = try workspace.call(tool, arguments)
            #expect(outcome.status == 0, "\(tool) \(arguments): \(outcome.stderr)")
            #expect(outcome.stdout == expected + "\n", "\(tool) \(arguments)")
        }
    }

    static let schemaErrors: [(String, String, String)] = [
        ("edge_i8", #"{"v": 128}"#, "$.v: 128 is greater than the maximum of 127 (maximum)"),
        ("edge_u8", #"{"v": -1}"#, "$.v: -1 is less than the minimum of 0 (minimum)"),
        ("edge_u32", #"{"v": 4294967296}"#, "$.v: 4294967296 is greater than the maximum of 4294967295 (maximum)"),
        ("edge_i32", #"{"v": 1.5}"#, "$.v: expected integer, got number (type)"),
        ("edge_double", #"{"v": "1"}"#, "$.v: expected number, got string (type)"),
        ("edge_not", #"{"v": 1}"#, "$.v: expected boolean, got integer (type)"),
        ("edge_mean", #"{"xs": [1, "2"]}"#, "$.xs[1]: expected number, got string (type)"),
        ("edge_upper", #"{"s": "a", "out": "b"}"#, "$: property \"out\" is not allowed (additionalProperties)"),
        ("edge_bytes", #"{"buf": "a", "len": 1}"#, "$: property \"len\" is not allowed (additionalProperties)"),
    ]

    @Test func outOfRangeAndWronglyTypedArguments_getSchemaErrors_beforeAnyCall() throws {
        let workspace = try Self.workspace("schema")
        for (tool, arguments, violation) in Self.schemaErrors {
            let outcome = try workspace.call(tool, arguments)
            #expect(outcome.status == 65, "\(tool) \(arguments)")
            #expect(outcome.stderr == "kai: error: arguments for \"native.edges.\(tool)\" do not match its input schema:\n  \(violation)\n"
                + "Run 'kai tools describe native.edges.\(tool)' to see the schema.\n", "\(tool) \(arguments)")
        }
    }

    /// JSON Schema compares bounds as doubles past 2^53; the bridge checks
    /// 64-bit ranges exactly, and never truncates.
    @Test func sixtyFourBitEdgesPlusOne_areRefusedExactly_byTheBridge() throws {
        let workspace = try Self.workspace("exact")
        let cases = [
            ("edge_u64", #"{"v": 18446744073709551616}"#,
             "argument \"v\": 18446744073709551616 is out of range for uint64_t (0 to 18446744073709551615)"),
            ("edge_i64", #"{"v": 9223372036854775808}"#,
             "argument \"v\": 9223372036854775808 is out of range for int64_t (-9223372036854775808 to 9223372036854775807)"),
            ("edge_i64", #"{"v": -9223372036854775809}"#,
             "argument \"v\": -9223372036854775809 is out of range for int64_t (-9223372036854775808 to 9223372036854775807)"),
            ("edge_bytes", "{\"buf\": \"\(String(repeating: "a", count: 256))\"}",
             "argument \"buf\" is too long: its length 256 does not fit uint8_t len"),
            ("strlen", #"{"s": "a\u0000b"}"#, "argument \"s\" contains a NUL character, which a C string cannot hold"),
        ]
        for (tool, arguments, message) in cases {
            let outcome = try workspace.call(tool, arguments)
            #expect(outcome.status != 0)
            let owner = tool == "strlen" ? "native.libc" : "native.edges"
            #expect(outcome.stderr == "kai: error: tool \"\(owner).\(tool)\" failed (INVALID_INPUT): \(message)\n", "\(tool)")
        }
    }

    @Test func aWrongSignatureThatSegfaults_failsOneCall_andKaiCarriesOn() throws {
        let workspace = try Workspace("segv", yaml: """
            native_tools:
              - id: native.wrong
                library: libc.so.6
                functions:
                  - { signature: "unsigned long strlen(unsigned long s)", description: "strlen, declared wrongly." }
                  - { signature: "int atoi(const char *s)", description: "s as an int." }
            """)
        let crash = try workspace.call("strlen", #"{"s": 1}"#)
        #expect(crash.status == 70)
        #expect(crash.stderr.hasSuffix("kai: error: tool \"native.wrong.strlen\" failed: its worker process was killed by SIGSEGV "
            + "(segmentation fault) during the call. The host is unaffected; the next call starts a fresh worker.\n"), "\(crash.stderr)")
        let next = try workspace.call("atoi", #"{"s": "7"}"#)
        #expect(next.status == 0 && next.stdout == "{\"result\":7}\n", "\(next.stderr)")
    }

    @Test func nativeTools_areListedAndDescribed_withTheirGeneratedSchemas() throws {
        let workspace = try Self.workspace("list")
        let list = try workspace.kai(["tools", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        for tool in ["cbrt", "pow", "hypot", "strlen", "atoi", "crc32", "compressBound", "edge_u64"] {
            #expect(list.stdout.contains("\n\(tool) "), "\(tool) listed")
        }
        let describe = try workspace.kai(["tools", "describe", "crc32"])
        #expect(describe.stdout.hasPrefix("native.zlib.crc32\n\nUpdates a running CRC-32 with the bytes of buf. (native: unsigned long "
            + "crc32(unsigned long crc, const unsigned char buf[len], unsigned int len), from libz.so.1)\n"), "\(describe.stdout)")
        #expect(describe.stdout.contains(#""description": "The CRC so far (0 to start). [unsigned long, 0 to 18446744073709551615]""#))
        #expect(describe.stdout.contains(#""description": "const unsigned char[len]; its UTF-8 bytes are passed, and their count as len""#))
    }
}

extension NativeToolsCLITests {
    @Test func kaiPluginsDisable_turnsANativeToolsEntryOff_andEnableBringsItBack() throws {
        let workspace = try Workspace("disable", yaml: Self.libraries)
        let disable = try workspace.kai(["plugins", "disable", "native.libm"])
        #expect(disable.status == 0, "\(disable.stderr)")
        let off = try workspace.call("cbrt", #"{"x": 8}"#)
        #expect(off.status != 0 && off.stderr.contains("cbrt"), "\(off.stdout)")
        #expect(try workspace.kai(["plugins", "enable", "native.libm"]).status == 0)
        #expect(try workspace.call("cbrt", #"{"x": 8}"#).stdout == "{\"result\":2}\n")
    }
}
