import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `mcp_servers:` end to end through the real kai binary: the Python SDK
/// fixture server and the published mcp-server-time imported over stdio,
/// listed from the registry's cache, called with `kai tools call`, isolated
/// (no inherited descriptors), under approvals in `kai run`, and the
/// config's errors.
@Suite(.enabled(if: MCPPeers.missing == nil, "\(MCPPeers.missing ?? "")"))
struct MCPImportCLITests {
    static let server = Fixtures.repositoryRoot + "/Tests/Fixtures/mcp/import_fixture_server.py"
    static let secret = "cli-fixture-secret-" + UUID().uuidString.prefix(8)

    /// A directory with kai.yaml importing the fixture as `fx` through a
    /// wrapper that counts its starts in `starts`.
    struct Workspace {
        let directory: String
        let config: String

        init(_ name: String, extra: String = "") throws {
            directory = Fixtures.scratch + "/mcp-cli-\(name)-\(UUID().uuidString.prefix(6))"
            config = directory + "/kai.yaml"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let wrapper = directory + "/server.sh"
            try "#!/bin/sh\necho started >> \(directory)/starts\nexec \(MCPPeers.python) \(MCPImportCLITests.server) \"$@\"\n"
                .write(toFile: wrapper, atomically: true, encoding: .utf8)
            chmod(wrapper, 0o755)
            try """
                database: \(directory)/registry.sqlite
                mcp_servers:
                  - id: fx
                    command: \(wrapper)
                    secrets: { FIXTURE_SECRET: MY_SECRET }
                  - id: time
                    command: \(MCPPeers.timeServer)
                    args: [--local-timezone, UTC]
                \(extra)
                """.write(toFile: config, atomically: true, encoding: .utf8)
        }

        var starts: Int {
            ((try? String(contentsOfFile: directory + "/starts", encoding: .utf8)) ?? "").split(separator: "\n").count
        }

        func kai(_ arguments: [String]) throws -> KaiProcess.Outcome {
            try KaiProcess.run(arguments + ["--config", config, "--no-bundled-plugins"],
                               environment: ["HOME": directory, "MY_SECRET": MCPImportCLITests.secret])
        }
    }

    @Test func toolsList_startsTheServerOnceToFillTheCache_andThenListsWithoutStartingIt() throws {
        let workspace = try Workspace("list")
        let first = try workspace.kai(["tools", "list"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("add               fx      Adds two integers (structured output).\n"), "\(first.stdout)")
        #expect(first.stdout.contains("get_current_time  time    Get current time in a specific timezone\n"), "\(first.stdout)")
        #expect(workspace.starts == 1)
        let second = try workspace.kai(["tools", "list"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == first.stdout)
        #expect(workspace.starts == 1, "listed from the registry's cache")
    }

    @Test func toolsCall_callsAnImportedTool_andTheCallIsLogged() throws {
        let workspace = try Workspace("call")
        let outcome = try workspace.kai(["tools", "call", "fx.add", "--args", #"{"a":20,"b":22}"#])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "{\"sum\":42}\n")
        let logs = try workspace.kai(["logs", "--json"])
        #expect(logs.stdout.contains("\"fx.add\""), "\(logs.stdout)")
    }

    @Test func mcpServerTime_isImported_andGetCurrentTimeAnswersInUTC() throws {
        let workspace = try Workspace("time")
        let outcome = try workspace.kai(["tools", "call", "time.get_current_time", "--args", #"{"timezone":"UTC"}"#])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let answer = try JSONParser.parse(outcome.stdout)
        #expect(answer["timezone"] == "UTC")
        #expect(answer["datetime"]?.stringValue?.hasSuffix("+00:00") == true, "\(outcome.stdout)")
    }

    @Test func aToolError_exits70_withTheServersTextScrubbed() throws {
        let workspace = try Workspace("error")
        let outcome = try workspace.kai(["tools", "call", "fx.fail", "--args", #"{"message":"no \#(MCPImportCLITests.secret)"}"#])
        #expect(outcome.status == 70)
        #expect(outcome.stderr.hasSuffix("kai: error: tool \"fx.fail\" failed (INTERNAL): Error executing tool fail: no <secret from MY_SECRET>\n"),
                "\(outcome.stderr)")
    }

    @Test func aServerThatDies_failsTheCall_namingTheServerAndItsExit() throws {
        let workspace = try Workspace("crash")
        let outcome = try workspace.kai(["tools", "call", "fx.crash", "--args", #"{"status":3}"#])
        #expect(outcome.status == 70)
        #expect(outcome.stderr.hasSuffix("kai: error: tool \"fx.crash\" failed: MCP server fx exited with status 3 during the call. "
            + "The host is unaffected; the next call starts the server again.\n"), "\(outcome.stderr)")
    }

    @Test func aCallPastItsDeadline_exits124() throws {
        let workspace = try Workspace("deadline")
        let outcome = try workspace.kai(["tools", "call", "fx.sleep", "--args", #"{"seconds":60}"#, "--timeout", "1"])
        #expect(outcome.status == 124)
        #expect(outcome.stderr.contains("MCP server fx had not answered; Kai sent it notifications/cancelled."), "\(outcome.stderr)")
    }

    @Test func aStdioServer_inheritsNoneOfKaisDescriptors() throws {
        let workspace = try Workspace("fds")
        let descriptors = try InheritedDescriptors([.directory, .file])
        let outcome = try KaiProcess.run(
            ["tools", "call", "fx.environment", "--args", "{}", "--config", workspace.config, "--no-bundled-plugins"],
            inheriting: descriptors, environment: ["HOME": workspace.directory, "MY_SECRET": Self.secret])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let report = try JSONParser.parse(outcome.stdout)
        let targets = report["fds"]?.objectValue?.map { $0.value.stringValue ?? "" } ?? []
        #expect(!targets.isEmpty)
        #expect(!targets.contains(descriptors.hostFile) && !targets.contains("/"), "\(targets)")
        // LC_CTYPE: Python sets it itself when no locale is given (PEP 538); PWD: the wrapper's shell.
        let names = report["names"]?.arrayValue?.compactMap(\.stringValue).filter { $0 != "LC_CTYPE" && $0 != "PWD" }
        #expect(names == ["FIXTURE_SECRET", "HOME", "PATH", "SWIFT_BACKTRACE"], "no MY_SECRET, WEB_TOKEN or anything else of Kai's")
    }

    // MARK: approvals in kai run

    @Test func kaiRun_anUnannotatedImportedTool_needsApproval_andWithNoTerminalIsDenied() throws {
        let workspace = try RunWorkspace("mcp-approve-unannotated", extra: Self.importFixture)
        let outcome = try workspace.run(#"call:unannotated:{"text":"x"}"#, "Echo.", ["--tool", "fx.unannotated"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("\n✗ unannotated denied: tool 'unannotated' needs approval (has no annotations (MCP treats that as "
            + "destructive and open-world)) and there is no terminal to ask; rerun with --approve unannotated (or --yes) to allow it\n"),
            "\(outcome.stderr)")
    }

    @Test func kaiRun_aReadOnlyImportedTool_runsWithoutAsking() throws {
        let workspace = try RunWorkspace("mcp-approve-readonly", extra: Self.importFixture)
        let outcome = try workspace.run(#"call:add:{"a":2,"b":3}"#, "Add.", ["--tool", "fx.add"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("→ add {\"a\":2,\"b\":3}"), "\(outcome.stderr)")
        #expect(outcome.stdout == "Done: {\"sum\":5}\n", "\(outcome.stdout)")
    }

    static let importFixture = """
        mcp_servers:
          - id: fx
            command: \(MCPPeers.python)
            args: [\(server)]
        """

    // MARK: config errors

    @Test(arguments: [
        ("  - id: fx\n    command: /bin/true\n    url: http://127.0.0.1:1/mcp\n",
         ":4:5: mcp_servers[0] has both command and url. Keep command for a server Kai starts (stdio), or url for one it reaches over HTTP."),
        ("  - id: fx\n",
         ":2:5: mcp_servers[0] has neither command nor url. Add \"command:\" (with \"args:\") for a server Kai starts, or \"url:\" for a Streamable HTTP server."),
        ("  - command: /bin/true\n",
         ":2:5: mcp_servers[0] has no id. Add \"id:\" naming the server; its tools are listed as <id>.<tool>."),
        ("  - id: Time.Server\n    command: /bin/true\n",
         ":2:9: mcp_servers[0].id must be lower-case letters, digits, - and _, starting with a letter (at most 64), got \"Time.Server\"."),
        ("  - id: fx\n    command: /bin/true\n    secrets: { TOKEN: sk-123 }\n",
         ":4:23: mcp_servers[0].secrets.TOKEN must be the name of an environment variable (A-Z, 0-9 and _, not starting with a digit); "
            + "the value is not shown in case it is the secret itself. Put the secret in an environment variable and write its name here."),
        ("  - id: fx\n    url: ftp://example.com/mcp\n",
         ":3:10: mcp_servers[0].url must be an http:// or https:// URL such as http://127.0.0.1:8000/mcp, got \"ftp://example.com/mcp\"."),
        ("  - id: fx\n    command: /bin/true\n    token_secret: TOKEN\n",
         ":4:5: mcp_servers[0].token_secret only applies with url. A server Kai starts gets its secrets through \"secrets:\"."),
        ("  - id: fx\n    command: /bin/true\n    tiemout: 5\n",
         ":4:5: unknown key \"tiemout\" in mcp_servers[0]. Did you mean \"timeout\"? Allowed keys: id, command, args, env, secrets, url, token_secret, timeout, enabled."),
    ])
    func aBadEntry_isRefused_withTheExactMessage(entry: String, message: String) throws {
        let directory = Fixtures.scratch + "/mcp-cli-config-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "mcp_servers:\n\(entry)".write(toFile: directory + "/kai.yaml", atomically: true, encoding: .utf8)
        let config = directory + "/kai.yaml"
        let outcome = try KaiProcess.run(["tools", "list", "--config", config, "--no-bundled-plugins"], environment: ["HOME": directory])
        #expect(outcome.status == 78, "\(outcome.stderr)")
        #expect(outcome.stderr == "kai: error: \(config)\(message)\n", "\(outcome.stderr)")
    }
}
