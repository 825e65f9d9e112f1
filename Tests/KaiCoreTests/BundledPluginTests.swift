import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// The bundled plugins (C, Swift, Rust) and the SDK's example, loaded for
/// real and called through the host.
@Suite struct BundledPluginTests {
    let host = Fixtures.bundledHost()

    @Test func bundledHost_loadsTheCAndSwiftPluginsWithoutFailures() {
        #expect(host.failures.isEmpty)
        let ids = Set(host.plugins.map(\.id))
        #expect(ids.isSuperset(of: ["dev.kai.text", "dev.kai.utils"]))
        #expect(host.tools.entries.count >= 8)
    }

    @Test(arguments: [
        (#"{"text": "hello", "algorithm": "sha256"}"#, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
        (#"{"text": "", "algorithm": "md5"}"#, "d41d8cd98f00b204e9800998ecf8427e"),
        (#"{"text": "The quick brown fox jumps over the lazy dog", "algorithm": "crc32"}"#, "414fa339"),
    ])
    func hash_matchesReferenceDigests(arguments: String, hex: String) throws {
        #expect(try host.call("hash", arguments)["hex"] == .string(hex))
    }

    @Test func textTools_countTransformAndEncode() throws {
        let stats = try host.call("text_stats", #"{"text": "héllo wörld\nbye"}"#)
        #expect(stats["characters"] == 15)
        #expect(stats["bytes"] == 17)
        #expect(stats["words"] == 3)
        #expect(stats["lines"] == 2)
        #expect(try host.call("text_transform", #"{"text": "Hello World Again", "mode": "snake_case"}"#) == ["result": "hello_world_again"])
        #expect(try host.call("base64", #"{"text": "hi?>", "action": "encode", "url_safe": true}"#)["result"] == "aGk_Pg")
        let error = host.callError("base64", #"{"text": "aG!=", "action": "decode"}"#)
        #expect(error?.code == .invalidInput)
    }

    /// calculate writes its number as JSONSerialization did (it now writes
    /// {"result": x} itself): integral values without ".0", others as
    /// Swift's shortest description, exponents with a sign.
    @Test(arguments: [("6 * 7", #"{"result":42}"#), ("0.1 + 0.2", #"{"result":0.30000000000000004}"#),
                      ("10 ^ 16", #"{"result":1e+16}"#), ("10 ^ 15", #"{"result":1000000000000000}"#),
                      ("1 / 4", #"{"result":0.25}"#), ("0 - 2.5", #"{"result":-2.5}"#), ("1 - 1", #"{"result":0}"#),
                      ("10 ^ -7", #"{"result":1e-07}"#)])
    func calculate_writesItsNumberAsJSONSerializationDid(expression: String, text: String) throws {
        let result = try host.callTool("calculate", arguments: Array(#"{"expression": "\#(expression)"}"#.utf8))
        #expect(result.text == text)
    }

    @Test func swiftTools_calculateQueryAndGenerate() throws {
        #expect(try host.call("calculate", #"{"expression": "2 ^ 3 ^ 2 - max(1, 4) * (1 + 1)"}"#) == ["result": 504])
        let query = try host.call("json_query", #"{"json": {"a": [{"b": 1}, {"b": 2}]}, "path": "$.a[-1].b"}"#)
        #expect(query == ["found": true, "result": 2])
        let uuids = try host.call("uuid", #"{"count": 3}"#)["uuids"]?.arrayValue ?? []
        #expect(uuids.count == 3)
        #expect(Set(uuids).count == 3)
        let error = host.callError("calculate", #"{"expression": "1 / (2 - 2)"}"#)
        #expect(error?.code == .invalidInput)
        #expect(error?.description.contains("division by zero") == true)
    }

    @Test func datetime_convertsBetweenZones() throws {
        let result = try host.call("datetime", #"{"action": "convert", "time": "2024-01-15T12:00:00Z", "timezone": "Asia/Tokyo"}"#)
        #expect(result["unix"] == 1_705_320_000)
        #expect(result["iso8601"]?.stringValue?.hasPrefix("2024-01-15T21:00:00+09:00") == true)
    }

    @Test(.requiresRustc) func rustPlugin_builtWithRustcAlone_loadsAndComputes() throws {
        let path = Fixtures.scratch + "/libKaiPluginStatsTest.so"
        try Fixtures.run("/usr/bin/env", ["rustc", "--edition", "2021", "--crate-type", "cdylib", "-C", "opt-level=1",
                                          "-o", path, Fixtures.repositoryRoot + "/Plugins/StatsRust/lib.rs"])
        let host = Fixtures.host([path])
        #expect(host.failures.isEmpty)
        let stats = try host.call("stats", #"{"numbers": [2, 4, 4, 4, 5, 5, 7, 9], "percentiles": [50]}"#)
        #expect(stats["mean"] == 5)
        #expect(stats["median"] == 4.5)
        #expect(stats["min"] == 2)
        #expect(stats["max"] == 9)
        #expect(try host.call("convert_base", #"{"value": "ff", "from": 16, "to": 2}"#) == ["result": "11111111"])
        let error = host.callError("convert_base", #"{"value": "12z", "from": 10, "to": 2}"#)
        #expect(error?.code == .invalidInput)
    }

    @Test func sdkExample_builtWithPlainCC_loadsAndRuns() throws {
        let path = try Fixtures.compile("slugify", source: Fixtures.repositoryRoot + "/plugin-sdk/examples/slugify_plugin.c")
        let host = Fixtures.host([path])
        #expect(host.failures.isEmpty)
        #expect(try host.call("slugify", #"{"text": "Hello, World! Kai 1.0"}"#) == ["slug": "hello-world-kai-1-0"])
    }
}
