import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai tools ...` end to end: the real binary, the bundled plugins, and
/// fixture plugins built with plain cc.
@Suite struct ToolsCommandTests {
    @Test func toolsListJSON_isAnArrayOfMCPDescriptorsWithPluginIDs() throws {
        let outcome = try KaiProcess.run(["tools", "list", "--json"])
        #expect(outcome.status == 0)
        let tools = try #require(try JSONParser.parse(outcome.stdout).arrayValue)
        let names = tools.compactMap { $0["name"]?.stringValue }
        for name in ["text_stats", "text_transform", "base64", "hash", "calculate", "json_query", "datetime", "uuid"] {
            #expect(names.contains(name), "missing bundled tool \(name)")
        }
        for tool in tools {
            #expect(tool["description"]?.stringValue?.isEmpty == false)
            #expect(tool["inputSchema"]?["type"] == "object")
            #expect(tool["plugin"]?.stringValue?.hasPrefix("dev.kai.") == true)
        }
        let hash = try #require(tools.first { $0["name"] == "hash" })
        #expect(hash["annotations"]?["readOnlyHint"] == true)
        #expect(hash["outputSchema"] != nil)
    }

    @Test func toolsCall_printsTheResultJSON() throws {
        let outcome = try KaiProcess.run(["tools", "call", "hash", "--args", #"{"text": "hello", "algorithm": "sha256"}"#])
        #expect(outcome.status == 0)
        #expect(try JSONParser.parse(outcome.stdout)["hex"] == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        #expect(outcome.stderr.isEmpty)
    }

    @Test func toolsCall_readsArgumentsFromStdinAndFiles() throws {
        let fromStdin = try KaiProcess.run(["tools", "call", "calculate", "--args", "-"], stdin: #"{"expression": "6 * 7"}"#)
        #expect(try JSONParser.parse(fromStdin.stdout) == ["result": 42])
        let file = NSTemporaryDirectory() + "kai-args-\(getpid()).json"
        try #"{"text": "aGk=", "action": "decode"}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try KaiProcess.run(["tools", "call", "base64", "--args", "@" + file])
        #expect(try JSONParser.parse(fromFile.stdout)["result"] == "hi")
    }

    @Test func toolsCall_whenArgumentsViolateTheSchema_exits65WithThePath() throws {
        let outcome = try KaiProcess.run(["tools", "call", "text_transform", "--args", #"{"text": "hi", "mode": "shout"}"#])
        #expect(outcome.status == 65)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr == """
            kai: error: arguments for "dev.kai.text.text_transform" do not match its input schema:
              $.mode: "shout" is not one of ["upper", "lower", "title", "snake_case", "kebab_case", "camel_case", "reverse", "trim", "slugify"] (enum)
            Run 'kai tools describe dev.kai.text.text_transform' to see the schema.

            """)
    }

    @Test func toolsCall_whenArgumentsAreNotJSON_exits65() throws {
        let outcome = try KaiProcess.run(["tools", "call", "text_stats", "--args", "{text: 1}"])
        #expect(outcome.status == 65)
        #expect(outcome.stderr == "kai: error: arguments for \"dev.kai.text.text_stats\" are not valid JSON: expected a string key in object at line 1, column 2.\n")
    }

    @Test func toolsCall_whenToolIsUnknown_exits66AndSuggests() throws {
        let outcome = try KaiProcess.run(["tools", "call", "text_stat"])
        #expect(outcome.status == 66)
        #expect(outcome.stderr == "kai: error: no tool named \"text_stat\". Did you mean \"text_stats\"? Run 'kai tools list' to see the tools.\n")
    }

    @Test func toolsCall_whenTimeoutIsNotPositive_exits64() throws {
        let outcome = try KaiProcess.run(["tools", "call", "text_stats", "--timeout=-1"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix("Error: --timeout must be a positive number of seconds, got '-1.0'.\n"))
    }

    @Test func toolsCall_whenArgsFileIsMissing_exits64() throws {
        let outcome = try KaiProcess.run(["tools", "call", "text_stats", "--args", "@/nonexistent/args.json"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr == "kai: error: cannot read --args file '/nonexistent/args.json': no such readable file. Give '@' followed by the path of a JSON file.\n")
    }

    @Test func toolsCall_whenToolPassesItsDeadline_exits124() throws {
        let fixture = try Fixtures.fixture()
        let outcome = try KaiProcess.run(["tools", "call", "sleep_ms", "--args", #"{"ms": 10000}"#, "--timeout", "0.1",
                                          "--plugin-path", fixture, "--no-bundled-plugins"])
        #expect(outcome.status == 124)
        #expect(outcome.stderr.hasPrefix("kai: error: tool \"test.fixture.sleep_ms\" passed its deadline of 0.100 s (stopped after "))
    }

    @Test func toolsCall_onCtrlC_cancelsTheCallAndExits130() throws {
        let fixture = try Fixtures.fixture()
        let running = try KaiProcess.start(["tools", "call", "sleep_ms", "--args", #"{"ms": 20000}"#, "--log-level", "info",
                                            "--plugin-path", fixture, "--no-bundled-plugins"])
        #expect(running.waitForStderr(containing: "sleep_ms started"))
        kill(running.process.processIdentifier, SIGINT)
        let outcome = running.finish()
        #expect(outcome.status == 130)
        #expect(outcome.stderr.contains("kai: error: tool \"test.fixture.sleep_ms\" was cancelled.\n"))
    }

    @Test func toolsCall_whenTwoPluginsDefineTheName_exits66AndNamesBoth() throws {
        let one = try Fixtures.fixture(id: "test.one"), two = try Fixtures.fixture(id: "test.two")
        let outcome = try KaiProcess.run(["tools", "call", "add", "--args", #"{"a":1,"b":2}"#, "--plugin-path", "\(one):\(two)", "--no-bundled-plugins"])
        #expect(outcome.status == 66)
        #expect(outcome.stderr == "kai: error: tool \"add\" is defined by 2 plugins (test.one, test.two). Call it by its qualified name: test.one.add or test.two.add.\n")
        let qualified = try KaiProcess.run(["tools", "call", "test.two.add", "--args", #"{"a":1,"b":2}"#, "--plugin-path", "\(one):\(two)", "--no-bundled-plugins"])
        #expect(try JSONParser.parse(qualified.stdout) == ["sum": 3])
    }

    @Test func toolsList_whenAPluginIsBroken_warnsAndListsTheRest() throws {
        let broken = try Fixtures.variant("FIXTURE_NULL_INVOKE")
        let outcome = try KaiProcess.run(["tools", "list", "--json", "--plugin-path", broken], environment: [:])
        #expect(outcome.status == 0)
        #expect(outcome.stderr == "kai: warning: skipped plugin \(broken): the descriptor's required function \"invoke\" is NULL. Set describe, create, destroy and invoke in kai_plugin.\n")
        #expect(try JSONParser.parse(outcome.stdout).arrayValue?.isEmpty == false)
    }

    @Test func pluginPath_comesFromTheEnvironmentToo() throws {
        let fixture = try Fixtures.fixture()
        let outcome = try KaiProcess.run(["tools", "describe", "add", "--json", "--no-bundled-plugins"], environment: ["KAI_PLUGIN_PATH": fixture])
        #expect(outcome.status == 0)
        let descriptor = try JSONParser.parse(outcome.stdout)
        #expect(descriptor["plugin"] == "test.fixture")
        #expect(descriptor["inputSchema"]?["required"] == ["a", "b"])
    }
}

@Suite struct ToolsCallProgressTests {
    @Test func toolsCallWithProgress_printsEventsOnStderr() throws {
        let fixture = try Fixtures.fixture()
        let outcome = try KaiProcess.run(["tools", "call", "progress", "--args", #"{"steps": 2}"#, "--progress",
                                          "--plugin-path", fixture, "--no-bundled-plugins"])
        #expect(outcome.status == 0)
        #expect(outcome.stderr == "progress: 1/2 step 1\nprogress: 2/2 step 2\n")
        #expect(outcome.stdout == "{\"steps\":2}\n")
    }
}
