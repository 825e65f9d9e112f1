import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Issue 15, item 3: a native function configured in `native_tools:` is a
/// tool like any other, so `kai mcp serve` lists it with its generated
/// schema and calls it through the bridge in a worker.
@Suite struct MCPServeNativeToolTests {
    @Test func aNativeFunction_isListedAndCalled_overMCP() throws {
        let directory = Fixtures.scratch + "/mcp-serve-native"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/kai.yaml"
        try """
            database: \(directory)/registry.sqlite
            native_tools:
              - id: native.libm
                library: libm.so.6
                functions:
                  - signature: double cbrt(double x)
                    description: The cube root of x.
                    annotations: { readOnlyHint: true, openWorldHint: false }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let outcome = try KaiProcess.run(["mcp", "serve", "--config", config, "--no-bundled-plugins"], stdin: [
            MCPServeProtocolTests.initialize,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"cbrt","arguments":{"x":27}}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"cbrt","arguments":{"x":"27"}}}"#,
        ].map { $0 + "\n" }.joined())
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let replies = try outcome.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        let byID = Dictionary(replies.compactMap { reply in reply["id"]?.intValue.map { ($0, reply) } }) { first, _ in first }
        let tools = byID[2]?["result"]?["tools"]?.arrayValue ?? []
        #expect(tools.map { $0["name"] } == ["cbrt"], "\(outcome.stdout)")
        #expect(tools.first?["description"] == "The cube root of x. (native: double cbrt(double x), from libm.so.6)")
        #expect(tools.first?["inputSchema"]?["properties"]?["x"]?["type"] == "number", "\(tools)")
        #expect(tools.first?["annotations"]?["readOnlyHint"] == true)
        #expect(byID[3]?["result"]?["isError"] != true, "\(outcome.stdout)")
        #expect(byID[3]?["result"]?["structuredContent"]?["result"]?.doubleValue.map { abs($0 - 3) < 1e-12 } == true,
                "\(outcome.stdout)")
        // The generated schema is applied before the bridge sees the call.
        #expect(byID[4]?["result"]?["isError"] == true, "\(outcome.stdout)")
        #expect(byID[4]?["result"]?["content"]?[0]?["text"] == """
            arguments for "native.libm.cbrt" do not match its input schema:
              $.x: expected number, got string (type)
            Run 'kai tools describe native.libm.cbrt' to see the schema.
            """)
    }
}
