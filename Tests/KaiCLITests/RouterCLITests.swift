import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai prompt` through the router, end to end: the real kai binary, the
/// real openai plugin and the scripted server (endpoints a and b on it,
/// `down` on a port nothing listens on). Fallback hops reach stderr and
/// `kai logs`; --risk high refuses rather than use a weaker provider; the
/// circuit breaker is shared by separate kai processes and shown by
/// `kai providers list`.
@Suite struct RouterCLITests {
    struct Workspace {
        let directory: String
        let config: String
        let server: ScriptedOpenAIServer

        init(_ name: String, router: String) throws {
            directory = Fixtures.scratch + "/router-cli-\(name)"
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            server = try ScriptedOpenAIServer()
            config = directory + "/kai.yaml"
            // A copy: --no-bundled-plugins leaves out every plugin in the build directory.
            let plugin = directory + "/libKaiPluginOpenAI.so"
            try FileManager.default.copyItem(atPath: Fixtures.buildDirectory + "/libKaiPluginOpenAI.so", toPath: plugin)
            try """
                database: \(directory)/registry.sqlite
                plugins:
                  - path: \(plugin)
                    config:
                      endpoints:
                        - { name: a, base_url: "\(server.baseURL)" }
                        - { name: b, base_url: "\(server.baseURL)" }
                        - { name: down, base_url: "http://127.0.0.1:9/v1" }
                \(router)
                """.write(toFile: config, atomically: true, encoding: .utf8)
        }

        func kai(_ arguments: [String]) throws -> KaiProcess.Outcome {
            try KaiProcess.run(arguments + ["--config", config, "--no-bundled-plugins"])
        }
    }

    static let chain = """
        router:
          targets:
            - name: openai/a:fail-500
              fallbacks: [openai/b:text]
            - name: openai/b:text
        """

    @Test func prompt_fallsBackOnA500_saysSoOnStderr_andKaiLogsShowsTheHop() throws {
        let workspace = try Workspace("fallback", router: Self.chain)
        let outcome = try workspace.kai(["prompt", "-m", "openai/a:fail-500", "--task-type", "coding", "hi"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "Hello, world!\n")
        #expect(outcome.stderr == "kai: openai/a:fail-500 failed (unavailable); trying openai/b:text\n")

        let logs = try workspace.kai(["logs"])
        let lines = logs.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasSuffix("ROUTE") == true, "\(logs.stdout)")
        #expect(lines.count == 3)
        #expect(lines[1].hasSuffix("fallback from openai/a:fail-500 (unavailable)"), "\(logs.stdout)")
        #expect(lines[1].contains("openai/text  ") && lines[2].contains("UNAVAILABLE (toolFailed)"), "the model that answered, and the failed attempt")

        let rows = try JSONParser.parse(try workspace.kai(["logs", "--json"]).stdout).arrayValue ?? []
        #expect(rows.count == 2)
        #expect(rows[0]["route"] == [[
            "target": "openai/a:fail-500", "error_kind": "toolFailed", "code": "UNAVAILABLE",
            "message": .string("provider \"dev.kai.openai.openai\" failed (UNAVAILABLE): endpoint a (\(workspace.server.baseURL)/chat/completions) failed: HTTP 500 (the server gave no message)"),
        ]])
        #expect(rows[1]["route"] == .null)
        #expect(rows.map { $0["taskType"] } == ["coding", "coding"])
    }

    @Test func prompt_onceTheCircuitIsOpen_skipsTheTargetWithoutCallingIt() throws {
        let workspace = try Workspace("skip", router: """
            router:
              breaker: { failures: 1 }
              targets:
                - name: openai/down:text
                  fallbacks: [openai/b:text]
            """)
        let first = try workspace.kai(["prompt", "hi"])
        #expect(first.stderr == "kai: openai/down:text failed (unavailable); trying openai/b:text\n")
        let second = try workspace.kai(["prompt", "hi"])
        #expect(second.status == 0)
        #expect(second.stdout == "Hello, world!\n")
        #expect(second.stderr == "kai: openai/down:text skipped (circuit open); trying openai/b:text\n")
        let rows = try JSONParser.parse(try workspace.kai(["logs", "--json"]).stdout).arrayValue ?? []
        #expect(rows.count == 3, "the skipped target was not called")
        #expect(rows[0]["route"]?.arrayValue?.first?["error_kind"] == "circuitOpen")
    }

    @Test func chat_fallsBackTurnByTurn() throws {
        let workspace = try Workspace("chat", router: Self.chain)
        let outcome = try KaiProcess.run(["chat", "-m", "openai/a:fail-500", "--config", workspace.config, "--no-bundled-plugins"],
                                         stdin: "hi\nagain\n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "Hello, world!\nHello, world!\n")
        #expect(outcome.stderr == String(repeating: "kai: openai/a:fail-500 failed (unavailable); trying openai/b:text\n", count: 2))
    }

    @Test func prompt_withoutM_goesToTheRoutersTarget() throws {
        let workspace = try Workspace("routed", router: "router:\n  targets:\n    - name: openai/b:text\n")
        let outcome = try workspace.kai(["prompt", "--no-stream", "hi"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "Hello, world!\n")
    }

    @Test func prompt_riskHigh_withNoStrongTarget_exits69_andSaysHowToMarkOne() throws {
        let workspace = try Workspace("no-strong", router: "router:\n  targets:\n    - name: openai/b:text\n")
        let outcome = try workspace.kai(["prompt", "--risk", "high", "hi"])
        #expect(outcome.status == 69)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr == "kai: error: no strong-tier provider is available for a high-risk request: no target under router.targets is marked strong. Mark a provider `tier: strong` under router.targets in \(workspace.config), or drop --risk high.\n")
    }

    @Test func prompt_riskHigh_withAStandardTierM_isAUsageError() throws {
        let workspace = try Workspace("not-strong", router: "router:\n  targets:\n    - name: openai/b:text\n")
        let outcome = try workspace.kai(["prompt", "-m", "openai/b:text", "--risk", "high", "hi"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr == "kai: error: \"openai/b:text\" is not a strong-tier provider, and a high-risk request (--risk high) may use only those. Name a strong one with -m, mark it `tier: strong` under router.targets in \(workspace.config), or drop --risk high.\n")
        let bad = try workspace.kai(["prompt", "--risk", "medium", "hi"])
        #expect(bad.status == 64)
    }

    @Test func theBreaker_openedByOneKaiProcess_refusesTheNext_andProvidersListShowsIt() throws {
        let workspace = try Workspace("breaker", router: """
            router:
              breaker: { failures: 1, cooldown_s: 600 }
              targets:
                - name: openai/down:text
            """)
        let first = try workspace.kai(["prompt", "hi"])
        #expect(first.status == 76)
        #expect(first.stderr == "kai: error: provider \"dev.kai.openai.openai\" failed (UNAVAILABLE): could not connect to endpoint down (http://127.0.0.1:9/v1/chat/completions): connection refused; is the server running? Check base_url in the plugin's config\n")

        let second = try workspace.kai(["prompt", "hi"])
        #expect(second.status == 69)
        #expect(second.stderr.hasPrefix("kai: error: no provider is available: openai/down:text's circuit is open until "), "\(second.stderr)")
        #expect(second.stderr.hasSuffix(" (1 failure in 60 s). Wait until it closes, or name another provider with -m.\n"))

        let listed = try workspace.kai(["providers", "list"])
        let lines = listed.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("NAME    PLUGIN          STATUS  STREAMING  TIER      CIRCUIT") == true, "\(listed.stdout)")
        // The provider's row names its one target that is not closed.
        #expect(lines[1].hasPrefix("openai  dev.kai.openai  active  yes        standard  openai/down:text: open until "), "\(listed.stdout)")
        #expect(lines[1].contains(" (1 failure in 60 s)"))
        #expect(lines[3] == "Router targets:")
        #expect(lines[4].hasPrefix("TARGET            TIER      CIRCUIT"))
        #expect(lines[5].hasPrefix("openai/down:text  standard  open until "), "\(listed.stdout)")
        #expect(lines[5].hasSuffix(" (1 failure in 60 s)  -"))
    }

    @Test func theHalfOpenProbe_isTakenByOneKaiProcess_andRefusedToAnotherWhileItRuns() throws {
        let router = """
            router:
              breaker: { failures: 1, cooldown_s: 0.001, successes: 1 }
              targets:
                - name: openai/a:hang
            """
        let workspace = try Workspace("probe", router: router)
        // The same registry, with endpoint a refusing connections: the
        // failure that opens the target's circuit (the cooldown ends at once).
        let down = workspace.directory + "/down.yaml"
        let text = try String(contentsOfFile: workspace.config, encoding: .utf8)
            .replacingOccurrences(of: "name: a, base_url: \"\(workspace.server.baseURL)\"", with: "name: a, base_url: \"http://127.0.0.1:9/v1\"")
        try text.write(toFile: down, atomically: true, encoding: .utf8)
        let opening = try KaiProcess.run(["prompt", "hi", "--config", down, "--no-bundled-plugins"])
        #expect(opening.status == 76, "\(opening.stderr)")
        // The probe hangs on the server; its claim holds for its deadline (--timeout).
        let probe = try KaiProcess.start(["prompt", "--timeout", "60", "hi", "--config", workspace.config, "--no-bundled-plugins"])
        var listed = ""
        while !listed.contains("half-open, probed by another call") && probe.process.isRunning {
            listed = try workspace.kai(["providers", "list"]).stdout
        }
        let refused = try workspace.kai(["prompt", "hi"])
        #expect(refused.status == 69)
        #expect(refused.stderr == "kai: error: no provider is available: openai/a:hang's circuit is half-open, probed by another call. Wait until it closes, or name another provider with -m.\n")
        kill(probe.process.processIdentifier, SIGINT)
        #expect(probe.finish().status == 130)
    }
}

/// A fallback after the failed target streamed part of its answer: stdout
/// marks where that partial answer stops, and kai chat keeps only the
/// fallback's reply in its history.
@Suite struct RouterPartialAnswerCLITests {
    static let chain = """
        router:
          targets:
            - name: openai/a:drop
              fallbacks: [openai/b:text]
        """

    @Test func prompt_afterAStreamCutMidAnswer_marksThePartialAnswerOnStdout() throws {
        let workspace = try RouterCLITests.Workspace("partial", router: Self.chain)
        let outcome = try workspace.kai(["prompt", "-m", "openai/a:drop", "hi"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "Hello, \n[kai: openai/a:drop stopped mid-answer (unavailable); the answer from openai/b:text follows]\nHello, world!\n")
        #expect(outcome.stderr == "kai: openai/a:drop failed (unavailable); trying openai/b:text\n")
    }

    @Test func chat_afterAStreamCutMidAnswer_marksIt_andTheNextTurnStillAnswers() throws {
        let workspace = try RouterCLITests.Workspace("partial-chat", router: Self.chain)
        let outcome = try KaiProcess.run(["chat", "-m", "openai/a:drop", "--config", workspace.config, "--no-bundled-plugins"],
                                         stdin: "hi\n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "Hello, \n[kai: openai/a:drop stopped mid-answer (unavailable); the answer from openai/b:text follows]\nHello, world!\n")
    }
}

/// One breaker per server, however -m spells it: the provider's qualified
/// name and the model key the breaker, the target's config entry and its
/// fallbacks.
@Suite struct RouterTargetKeyCLITests {
    @Test func aQualifiedM_takesTheTargetsFallbacks_opensTheBreakerTheShortNameSees_andProvidersListShowsIt() throws {
        let workspace = try RouterCLITests.Workspace("target-key", router: """
            router:
              breaker: { failures: 1, cooldown_s: 600 }
              targets:
                - name: openai/down:text
                  fallbacks: [openai/b:text]
            """)
        let first = try workspace.kai(["prompt", "-m", "dev.kai.openai.openai/down:text", "hi"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "Hello, world!\n")
        #expect(first.stderr == "kai: dev.kai.openai.openai/down:text failed (unavailable); trying openai/b:text\n")

        let second = try workspace.kai(["prompt", "-m", "openai/down:text", "hi"])
        #expect(second.stdout == "Hello, world!\n")
        #expect(second.stderr == "kai: openai/down:text skipped (circuit open); trying openai/b:text\n")

        let listed = try workspace.kai(["providers", "list"])
        let lines = listed.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[1].hasPrefix("openai  dev.kai.openai  active  yes        standard  openai/down:text: open until "), "\(listed.stdout)")
        #expect(lines[5].hasPrefix("openai/down:text  standard  open until "), "\(listed.stdout)")
    }
}
