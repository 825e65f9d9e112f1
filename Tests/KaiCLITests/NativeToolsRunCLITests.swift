import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Native tools are tools like any other: an agent calls them (approvals
/// decide by their annotations), the registry records and scores them, and
/// a signature Kai cannot call is refused when the config is read, at its
/// line, naming the type and why.
@Suite struct NativeToolsRunCLITests {
    @Test func anAgentCallsANativeTool_andTheCallIsRecordedAndScored() throws {
        let workspace = try RunWorkspace("native-agent", extra: NativeToolsCLITests.libraries)
        let outcome = try workspace.run(#"call:cbrt:{"x":27}"#, "What is the cube root of 27?", ["--tool", "cbrt"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("→ cbrt {\"x\":27}\n"), "\(outcome.stderr)")
        #expect(outcome.stdout == "Done: {\"result\":3.0000000000000004}\n")
        let logs = try JSONParser.parse(try workspace.kai(["logs", "--json", "--tool", "native.libm.cbrt"]).stdout).arrayValue ?? []
        #expect(logs.count == 1 && logs.first?["result"] == "OK" && logs.first?["plugin"] == "native.libm", "\(logs)")
        let scores = try JSONParser.parse(try workspace.kai(["registry", "scores", "--json"]).stdout).arrayValue ?? []
        let cbrt = try #require(scores.first { $0["name"] == "cbrt" })
        #expect(cbrt["calls"] == 1 && cbrt["successRate"] == 1)
    }

    @Test func anUnannotatedNativeTool_needsApproval_likeAnyUnannotatedTool() throws {
        let workspace = try RunWorkspace("native-unannotated", extra: NativeToolsCLITests.libraries)
        let outcome = try workspace.run(#"call:pow:{"x":2,"y":3}"#, "2 cubed?", ["--tool", "pow"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("\n✗ pow denied: tool 'pow' needs approval (has no annotations (MCP treats that as "
            + "destructive and open-world)) and there is no terminal to ask; rerun with --approve pow (or --yes) to allow it\n"),
            "\(outcome.stderr)")
        let allowed = try workspace.run(#"call:pow:{"x":2,"y":3}"#, "2 cubed?", ["--tool", "pow", "--approve", "pow"])
        #expect(allowed.stdout == "Done: {\"result\":8}\n", "\(allowed.stderr)")
    }

    static let refusals: [(String, String)] = [
        ("int printf(const char *format, ...)",
         "it is variadic (...): the types of the extra arguments are not known, so kai cannot call it safely. Configure a function with fixed parameters instead."),
        ("double norm(struct point p)",
         "parameter p has type struct point: a struct passed by value is not supported (its layout cannot be known from the signature); pass numbers and text instead."),
        ("void sort(const double xs[n], int n, int (*compare)(const void *, const void *))",
         "parameter 3 is a function pointer: callbacks are not supported (kai cannot hand C code a function to call)."),
        ("int sum(const int *xs, int n)",
         "parameter xs has type const int *: kai cannot size the memory it points to. Pass numbers in as \"const double xs[n]\" or bytes as \"const unsigned char buf[len]\" (n, len: another parameter, which kai fills in), text in as \"const char *s\", text out as \"char out[256]\"."),
        ("uLong crc32(uLong crc, const Bytef *buf, uInt len)",
         "the result has unknown type uLong: kai knows the base C types and <stdint.h> types only, not typedefs; write the type it stands for (e.g. unsigned long for zlib's uLong)."),
    ]

    @Test(arguments: refusals)
    func anUnsupportedSignature_isRefusedWhenTheConfigLoads_atItsLine(signature: String, reason: String) throws {
        let workspace = try NativeToolsCLITests.Workspace("refused-\(signature.count)", yaml: """
            native_tools:
              - id: native.refused
                library: libc.so.6
                functions:
                  - { signature: "double cbrt(double x)", description: "Fine." }
                  - signature: "\(signature)"
                    description: Refused.
            """)
        let outcome = try workspace.kai(["tools", "list"])
        #expect(outcome.status == 78)
        #expect(outcome.stderr == "kai: error: \(workspace.config):7:20: native_tools[0].functions[1].signature: kai cannot call "
            + "\"\(signature)\": \(reason)\n")
    }

    static let badEntries: [(String, String)] = [
        ("  - { id: libm, library: libm.so.6, functions: [{ signature: \"double cbrt(double x)\", description: d }] }",
         "3:11: native_tools[0].id: \"libm\" is not a plugin id: write lowercase words joined by dots, such as native.libm, and its tools are named after it (native.libm.cbrt)."),
        ("  - { id: native.m, library: libm.so.6, isolation: sandbox, functions: [{ signature: \"double cbrt(double x)\", description: d }] }",
         "3:52: native_tools[0].isolation must be one of process, inprocess, got \"sandbox\"."),
        ("  - { id: native.m, library: libm.so.6, functions: [{ signature: \"int abs(int j)\", description: d, parameters: { j: { minimum: -3000000000 } } }] }",
         "3:128: native_tools[0].functions[0].parameters.j.minimum: -3000000000 is outside the range of int (-2147483648 to 2147483647)."),
        ("  - { id: native.m, library: libm.so.6, functions: [{ signature: \"int abs(int j)\", description: d, parameters: { k: { minimum: 1 } } }] }",
         "3:114: native_tools[0].functions[0].parameters: k is not an argument of abs; its arguments are: j."),
    ]

    @Test(arguments: badEntries)
    func aBadNativeToolsEntry_isRefusedAtItsLine(yaml: String, message: String) throws {
        let workspace = try NativeToolsCLITests.Workspace("bad-entry-\(yaml.count)", yaml: "native_tools:\n\(yaml)")
        let outcome = try workspace.kai(["tools", "list"])
        #expect(outcome.status == 78)
        #expect(outcome.stderr == "kai: error: \(workspace.config):\(message)\n")
    }
}
