import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Whatever a plugin writes — its manifest's texts, error messages, progress
/// messages, results — reaches the user's terminal with its control
/// characters shown as \xNN (text) or \u00NN (JSON): OSC 52, CSI 2J, \r and
/// the C1 CSI (U+009B) never act on it. (A raw 0x9b byte cannot reach kai
/// from a plugin: manifests, errors and results must be valid UTF-8 JSON.)
@Suite struct PluginTextEscapeTests {
    /// What Tests/Fixtures/terminal_escape_plugin.c puts in every text.
    static let shown = #"A\x1b]52;c;cHduZWQ=\x07B\x1b[2JC\x0dD\x9b31mE"#

    /// A config and database of this suite's own, loading only the fixture.
    struct Workspace {
        let config: String

        init(_ name: String) throws {
            let plugin = try Fixtures.compile("terminal_escape_plugin", source: Fixtures.repositoryRoot + "/Tests/Fixtures/terminal_escape_plugin.c")
            let directory = Fixtures.scratch + "/escape-\(name)-\(getpid())"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            config = directory + "/kai.yaml"
            try """
                database: \(directory)/registry.sqlite
                payload_logging: true
                plugins:
                  - path: \(plugin)
                """.write(toFile: config, atomically: true, encoding: .utf8)
        }

        func run(_ arguments: [String]) throws -> KaiRawRun {
            try KaiRawRun.run(arguments + ["--config", config, "--no-bundled-plugins"])
        }
    }

    static func expectNoRawControls(_ run: KaiRawRun, sourceLocation: SourceLocation = #_sourceLocation) {
        let stderr = Array(run.stderr.utf8)
        for bytes in [run.stdout, stderr] {
            #expect(!bytes.contains(0x1b) && !bytes.contains(0x07) && !bytes.contains(0x0d), sourceLocation: sourceLocation)
            #expect(bytes.firstRange(of: [0xc2, 0x9b]) == nil, "raw U+009B", sourceLocation: sourceLocation)
        }
    }

    @Test func toolError_showsThePluginsMessageWithControlsAsHex() throws {
        let run = try Workspace("error").run(["tools", "call", "test.escape.fail"])
        #expect(run.status == 70)
        #expect(run.stderr == "kai: error: tool \"test.escape.fail\" failed (INTERNAL): failed \(Self.shown)\n")
        Self.expectNoRawControls(run)
    }

    @Test func pluginsInfo_showsTheManifestsTextsWithControlsAsHex() throws {
        let run = try Workspace("info").run(["plugins", "info", "test.escape"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutText.contains("name:        Escape \(Self.shown)\n"))
        #expect(run.stdoutText.contains("description: Plugin \(Self.shown)\n"))
        #expect(run.stdoutText.contains("  tool fail [serial] — Tool \(Self.shown)\n"))
        Self.expectNoRawControls(run)
    }

    @Test func pluginsInfoJSON_isValidJSONWithTheSameText() throws {
        let run = try Workspace("info-json").run(["plugins", "info", "test.escape", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        Self.expectNoRawControls(run)
        let info = try JSONParser.parse(run.stdout)
        #expect(info["manifest"]?["description"] == "Plugin A\u{1b}]52;c;cHduZWQ=\u{07}B\u{1b}[2JC\rD\u{9b}31mE")
    }

    @Test func toolsListAndDescribe_showDescriptionsWithControlsAsHex() throws {
        let workspace = try Workspace("tools")
        let list = try workspace.run(["tools", "list"])
        #expect(list.stdoutText.contains("fail      test.escape  Tool \(Self.shown)\n"), "\(list.stdoutText)")
        Self.expectNoRawControls(list)
        let describe = try workspace.run(["tools", "describe", "test.escape.fail"])
        #expect(describe.stdoutText.contains("\nTool \(Self.shown)\n"))
        Self.expectNoRawControls(describe)
        let json = try workspace.run(["tools", "list", "--json"])
        Self.expectNoRawControls(json)
        #expect(try JSONParser.parse(json.stdout).arrayValue?.count == 3)
    }

    @Test func toolResult_C1AndDELInTheJSONAreEscapes() throws {
        let run = try Workspace("result").run(["tools", "call", "test.escape.result"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutText == "{\"text\":\"x\\u009b2J\\u007fy\"}\n")
        #expect(try JSONParser.parse(run.stdout) == ["text": "x\u{9b}2J\u{7f}y"])
    }

    @Test func progressMessages_showControlsAsHex() throws {
        let run = try Workspace("progress").run(["tools", "call", "test.escape.progress", "--progress"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr == "progress: 1/1 \(Self.shown)\n")
        Self.expectNoRawControls(run)
    }

    @Test func logsJSON_payloadsWithC1AreEscapedAndStayValid() throws {
        let workspace = try Workspace("logs")
        _ = try workspace.run(["tools", "call", "test.escape.result"])
        let run = try workspace.run(["logs", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        Self.expectNoRawControls(run)
        #expect(!run.stdout.contains(0x7f))
        let rows = try #require(try JSONParser.parse(run.stdout).arrayValue)
        #expect(rows.first?["result_json"] == ["text": "x\u{9b}2J\u{7f}y"])
    }
}
