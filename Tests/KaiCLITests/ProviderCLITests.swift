import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai providers list`, `kai models`, `kai prompt` and `kai chat` end to end:
/// the real binary and a real provider plugin (Tests/Fixtures/echo_provider.c,
/// built with plain cc), which echoes the last user message word by word.
@Suite struct ProviderCLITests {
    static func plugin(broken: Bool = false, plain: Bool = false) throws -> String {
        let variant = broken ? "_broken" : plain ? "_plain" : ""
        return try Fixtures.compile(
            "echo_provider" + variant, source: Fixtures.repositoryRoot + "/Tests/Fixtures/echo_provider.c",
            flags: broken ? ["-DECHO_BROKEN"] : plain ? ["-DECHO_PLAIN"] : [])
    }

    /// A scratch directory with a config loading the echo provider and a
    /// registry of its own.
    static func setUp(_ name: String, broken: Bool = false, plain: Bool = false, isolation: String = "inprocess") throws -> String {
        let directory = Fixtures.scratch + "/providers-\(name)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/kai.yaml"
        try """
            database: \(directory)/registry.sqlite
            plugins:
              - path: \(try plugin(broken: broken, plain: plain))
                isolation: \(isolation)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        return config
    }

    static func kai(_ arguments: [String], config: String, stdin: String? = nil) throws -> KaiProcess.Outcome {
        try KaiProcess.run(arguments + ["--config", config, "--no-bundled-plugins"], stdin: stdin)
    }

    // MARK: providers list, models

    @Test func providersList_showsNamePluginStatusStreamingAndModelHint() throws {
        let outcome = try Self.kai(["providers", "list"], config: try Self.setUp("list"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == """
            NAME  PLUGIN     STATUS  STREAMING  TIER      CIRCUIT  MODELS
            echo  test.echo  active  yes        standard  closed   echo-1, echo-2

            """)
    }

    @Test func providersListJSON_describesEachProvider() throws {
        let outcome = try Self.kai(["providers", "list", "--json"], config: try Self.setUp("list-json"))
        #expect(try JSONParser.parse(outcome.stdout) == [[
            "name": "echo", "qualifiedName": "test.echo.echo", "plugin": "test.echo",
            "description": "Echoes the last user message word by word.", "status": "active", "streaming": true,
            "models": ["echo-1", "echo-2"], "tier": "standard", "circuit": "closed",
        ]])
    }

    @Test func models_listsProviderSlashModel_withTheDefaultMarked() throws {
        let outcome = try Self.kai(["models"], config: try Self.setUp("models"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "echo/echo-1 (default)\necho/echo-2\n")
        let json = try Self.kai(["models", "--json"], config: try Self.setUp("models-json"))
        let models = try #require(try JSONParser.parse(json.stdout).arrayValue)
        #expect(models.map { $0["name"] } == ["echo/echo-1", "echo/echo-2"])
        #expect(models[0]["default"] == true && models[0]["description"] == "Echoes" && models[0]["plugin"] == "test.echo")
        #expect(models[1]["default"] == false)
    }

    @Test func models_whenAProviderCannotList_reportsItOnStderr_printsTheOthers_andExits76() throws {
        let outcome = try Self.kai(["models"], config: try Self.setUp("models-broken", broken: true))
        #expect(outcome.status == 76)
        #expect(outcome.stdout == "echo/echo-1 (default)\necho/echo-2\n")
        #expect(outcome.stderr == """
            kai: error: cannot list the models of provider "mute" (plugin test.echo.broken): provider "test.echo.broken.mute" failed (UNAVAILABLE): cannot connect to http://127.0.0.1:9/v1/models: connection refused. Start the server, or set base_url in the operator config.

            """)
    }

    // MARK: prompt

    @Test func prompt_streamsTheAnswer() throws {
        let outcome = try Self.kai(["prompt", "-m", "echo", "hello there"], config: try Self.setUp("prompt"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "hello there (1 messages)\n")
        #expect(outcome.stderr.isEmpty)
    }

    @Test func prompt_makesControlCharactersVisible_streamedOrNot() throws {
        let config = try Self.setUp("visible")
        let evil = "a\u{1b}]52;c;cHduZWQ=\u{07}b\u{1b}[2Jc\rd\u{9b}e"
        let shown = #"a\x1b]52;c;cHduZWQ=\x07b\x1b[2Jc\x0dd\x9be (1 messages)"# + "\n"
        for extra in [[], ["--no-stream"]] {
            let outcome = try Self.kai(["prompt", "-m", "echo"] + extra + [evil], config: config)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout == shown)
        }
    }

    @Test func prompt_noStream_withASystemMessageAndAModel() throws {
        let outcome = try Self.kai(
            ["prompt", "-m", "echo/echo-2", "--system", "be brief", "--no-stream", "hi"], config: try Self.setUp("no-stream"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "[system: be brief] hi (2 messages)\n")
    }

    @Test func prompt_json_printsTheWholeChatResponse() throws {
        let outcome = try Self.kai(["prompt", "-m", "echo", "--json", "--max-tokens", "2", "one two three"], config: try Self.setUp("json"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try JSONParser.parse(outcome.stdout) == [
            "message": ["role": "assistant", "content": "one two"], "finish_reason": "length", "model": "echo-1",
            "usage": ["input_tokens": 3, "output_tokens": 2, "cost_usd": 0.000007],
        ])
    }

    @Test func prompt_dash_readsThePromptFromStdin() throws {
        let outcome = try Self.kai(["prompt", "-m", "echo", "-"], config: try Self.setUp("stdin"), stdin: "from a pipe\n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "from a pipe (1 messages)\n")
        let empty = try Self.kai(["prompt", "-m", "echo", "-"], config: try Self.setUp("stdin-empty"), stdin: "")
        #expect(empty.status == 64)
        #expect(empty.stderr == "kai: error: the prompt read from stdin is empty. Pipe the prompt in, or give it as an argument.\n")
    }

    @Test func prompt_withAnUnknownProvider_exits66AndSuggests() throws {
        let outcome = try Self.kai(["prompt", "-m", "ech/echo-1", "hi"], config: try Self.setUp("bad-m"))
        #expect(outcome.status == 66)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr == "kai: error: no provider named \"ech\". Did you mean \"echo\"? Run 'kai providers list' to see the providers.\n")
    }

    @Test func prompt_whenTheProviderFails_printsItsMessageAndExits76() throws {
        let config = try Self.setUp("fail")
        let down = try Self.kai(["prompt", "-m", "echo", "fail"], config: config)
        #expect(down.status == 76)
        #expect(down.stderr == "kai: error: provider \"test.echo.echo\" failed (UNAVAILABLE): cannot connect to http://127.0.0.1:9/v1/chat/completions: connection refused. Start the server, or set base_url in the operator config.\n")
        let model = try Self.kai(["prompt", "-m", "echo/nope", "hi"], config: config)
        #expect(model.status == 76)
        #expect(model.stderr == "kai: error: provider \"test.echo.echo\" failed (NOT_FOUND): model 'nope' is not served by echo; it serves echo-1 and echo-2. Run 'kai models'.\n")
    }

    @Test func prompt_whenTheProvidersKeyIsMissing_saysWhichSecretToSet_andWorksOnceStored() throws {
        let directory = Fixtures.scratch + "/providers-key"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/kai.yaml"
        try """
            database: \(directory)/registry.sqlite
            plugins:
              - path: \(try Self.plugin())
                secrets: { api_key: ECHO_API_KEY }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let environment = ["XDG_CONFIG_HOME": directory + "/config"]
        let arguments = ["prompt", "-m", "echo", "hi", "--config", config, "--no-bundled-plugins"]
        let missing = try KaiProcess.run(arguments, environment: environment)
        #expect(missing.status == 69)
        let secret = "\(config):4:16: secret \"api_key\" of plugin test.echo reads environment variable ECHO_API_KEY, which is not set. Export it before starting kai, or run `kai keys set ECHO_API_KEY`."
        #expect(missing.stderr.hasSuffix("""
            kai: error: provider "test.echo.echo" is unavailable: \(try Self.plugin()): its settings in the operator config cannot be used:
              \(secret)

            """), "\(missing.stderr)")
        #expect(try KaiProcess.run(["keys", "set", "ECHO_API_KEY"], stdin: "sk-echo-0123456789", environment: environment).status == 0)
        let stored = try KaiProcess.run(arguments, environment: environment)
        #expect(stored.status == 0, "\(stored.stderr)")
        #expect(stored.stdout == "hi (1 messages)\n")
    }

    @Test func storedKey_appearsInNoOutputAndNoDatabaseFile_afterAnyProviderPath() throws {
        let directory = Fixtures.scratch + "/providers-planted"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/kai.yaml"
        try """
            database: \(directory)/registry.sqlite
            payload_logging: true
            plugins:
              - path: \(try Self.plugin())
                secrets: { api_key: ECHO_API_KEY }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let planted = "sk-planted-7f3a9c2e5d"
        let environment = ["XDG_CONFIG_HOME": directory + "/config"]
        #expect(try KaiProcess.run(["keys", "set", "ECHO_API_KEY"], stdin: planted, environment: environment).status == 0)
        let paths: [[String]] = [
            ["prompt", "-m", "echo", "hi"], ["prompt", "-m", "echo", "--json", "fail"], ["prompt", "-m", "echo/nope", "hi"],
            ["prompt", "-m", "nope", "hi"], ["chat", "-m", "echo"], ["models", "--json"], ["providers", "list", "--json"],
            ["logs", "--json"], ["keys", "list"], ["keys", "path"],
        ]
        for arguments in paths {
            let outcome = try KaiProcess.run(
                arguments + (arguments[0] == "keys" ? [] : ["--config", config, "--no-bundled-plugins"]), stdin: "hi\nfail\n",
                environment: environment)
            #expect(!outcome.stdout.contains(planted) && !outcome.stderr.contains(planted), "\(arguments)")
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasPrefix("registry.sqlite") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            #expect(bytes.range(of: Data(planted.utf8)) == nil, "\(file) holds the key")
        }
    }

    @Test func prompt_whenTheStreamBreaksOff_endsTheLine_reportsIt_andRecordsWhatWasUsed() throws {
        let config = try Self.setUp("break")
        let outcome = try Self.kai(["prompt", "-m", "echo", "break"], config: config)
        #expect(outcome.status == 76)
        #expect(outcome.stdout == "partial\n")
        #expect(outcome.stderr == "kai: error: provider \"test.echo.echo\" failed (UNAVAILABLE): the server closed the stream after 1 token. Retry, or check the server's log.\n")
        let row = try #require(try JSONParser.parse(try Self.kai(["logs", "--json"], config: config).stdout).arrayValue?.first)
        #expect(row["result"] == "UNAVAILABLE" && row["inputTokens"] == 1 && row["outputTokens"] == 1)
    }

    @Test(arguments: [
        (["--temperature", "3"], "Error: --temperature must be between 0 and 2, got 3.0.\n"),
        (["--max-tokens", "0"], "Error: --max-tokens must be at least 1, got 0.\n"),
        (["-m", "/x"], "Error: -m '/x' names no provider. Give a provider, optionally with a model: local, openai/gpt-4o-mini. Run 'kai models' to see them.\n"),
        (["--timeout", "0"], "Error: --timeout must be a positive number of seconds, got '0.0'.\n"),
        (["--task-type", ""], "Error: --task-type must not be empty. Give a task type such as coding or research, or leave it out.\n"),
        (["--risk", "medium"], "Error: The value 'medium' is invalid for '--risk <low|high>'. Please provide one of 'low' and 'high'.\n"),
    ])
    func prompt_withABadOption_exits64(options: [String], message: String) throws {
        let outcome = try Self.kai(["prompt", "hi"] + options, config: try Self.setUp("bad-option\(options[0])"))
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix(message))
    }

    @Test(arguments: ["inprocess", "process"])
    func prompt_ctrlC_stopsTheStreamAtOnce_recordsWhatWasUsed_andExits130(isolation: String) throws {
        let config = try Self.setUp("interrupt-\(isolation)", isolation: isolation)
        let running = try KaiProcess.start(["prompt", "-m", "echo", "hang", "--config", config, "--no-bundled-plugins"])
        #expect(running.waitForStdout(containing: "waiting"))
        kill(running.process.processIdentifier, SIGINT)
        let outcome = running.finish()
        #expect(outcome.status == 130, "\(outcome.stderr)")
        #expect(outcome.stdout == "waiting\n")
        let logs = try Self.kai(["logs", "--json"], config: config)
        let row = try #require(try JSONParser.parse(logs.stdout).arrayValue?.first)
        #expect(row["kind"] == "provider" && row["result"] == "CANCELLED")
        #expect(row["inputTokens"] == 1 && row["outputTokens"] == 1 && row["model"] == .null)
    }

    // MARK: logs

    @Test func logs_showTokensCostAndTimeToFirstTokenOfProviderCalls() throws {
        let config = try Self.setUp("logs")
        #expect(try Self.kai(["prompt", "-m", "echo", "a b"], config: config).status == 0)
        let logs = try Self.kai(["logs"], config: config)
        let lines = logs.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(lines.first == ["TIME", "TOOL", "RESULT", "DURATION", "IN", "OUT", "COST", "TTFT"])
        let row = try #require(lines.dropFirst().first)
        // time, name, result, duration (2 words), 2 tok in, 4 tok out, cost, ttft (2 words)
        #expect(Array(row[1...2]) == ["echo/echo-1", "ok"])
        #expect(Array(row[5...9]) == ["2", "tok", "4", "tok", "$0.000010"])
        let json = try #require(try JSONParser.parse(try Self.kai(["logs", "--json"], config: config).stdout).arrayValue?.first)
        #expect(json["model"] == "echo-1" && json["inputTokens"] == 2 && json["outputTokens"] == 4 && json["costUSD"] == 0.00001)
        #expect((json["timeToFirstTokenNs"]?.intValue ?? 0) > 0)
    }

    // MARK: chat

    @Test(arguments: ["inprocess", "process"])
    func chat_overAPipe_sendsTheWholeHistoryEachTurn(isolation: String) throws {
        let config = try Self.setUp("chat-\(isolation)", isolation: isolation)
        let outcome = try Self.kai(["chat", "-m", "echo", "--system", "sys"], config: config, stdin: "hello\n\nagain\n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // system + user; then system + user + assistant + user.
        #expect(outcome.stdout == "[system: sys] hello (2 messages)\n[system: sys] again (4 messages)\n")
        #expect(outcome.stderr.isEmpty)
        let logs = try #require(try JSONParser.parse(try Self.kai(["logs", "--json"], config: config).stdout).arrayValue)
        #expect(logs.count == 2)
        #expect(logs.allSatisfy { $0["kind"] == "provider" && $0["result"] == "OK" })
    }

    @Test func chat_exitOrQuit_endsIt() throws {
        let outcome = try Self.kai(["chat", "-m", "echo", "--no-stream"], config: try Self.setUp("chat-quit"), stdin: "hi\n quit \nnot sent\n")
        #expect(outcome.status == 0)
        #expect(outcome.stdout == "hi (1 messages)\n")
    }

    @Test func chat_whenATurnFails_goesOn_leavesItOutOfTheHistory_andExits76() throws {
        let outcome = try Self.kai(["chat", "-m", "echo"], config: try Self.setUp("chat-fail"), stdin: "fail\nafter\n")
        #expect(outcome.status == 76)
        #expect(outcome.stdout == "after (1 messages)\n")
        #expect(outcome.stderr == "kai: error: provider \"test.echo.echo\" failed (UNAVAILABLE): cannot connect to http://127.0.0.1:9/v1/chat/completions: connection refused. Start the server, or set base_url in the operator config.\n")
    }

    @Test func chat_ctrlC_stopsTheReplyButNotTheChat() throws {
        let config = try Self.setUp("chat-interrupt")
        let running = try KaiProcess.start(["chat", "-m", "echo", "--config", config, "--no-bundled-plugins"], stdin: "hang\nafter\n")
        #expect(running.waitForStdout(containing: "waiting"))
        kill(running.process.processIdentifier, SIGINT)
        let outcome = running.finish()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "waiting\nafter (1 messages)\n")
    }
}
