import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// The bundled `sandbox_run` tool (dev.kai.sandbox) through the real CLI:
/// `kai tools call sandbox_run --args ...` with the real launcher. Code that
/// passes, fails, loops, floods its output and tries to leave the sandbox;
/// the operator's limits from the plugin's config.
@Suite(.requiresNamespaces) struct SandboxToolCLITests {
    /// Calls sandbox_run with `arguments` under a config giving the plugin
    /// `config` (YAML flow mapping). `require_isolation: false` unless the
    /// test asks for full isolation, so the suite runs wherever namespaces do.
    static func call(_ arguments: JSONValue, config: String = "{require_isolation: false}") throws -> (KaiProcess.Outcome, JSONValue) {
        let file = try configFile(config)
        let outcome = try KaiProcess.run(["tools", "call", "sandbox_run", "--args", arguments.serialized(), "--config", file])
        return (outcome, (try? JSONParser.parse(outcome.stdout)) ?? .null)
    }

    static let plugin = Fixtures.buildDirectory + "/libKaiPluginSandbox.so"

    /// A config loading only the sandbox plugin, with `config` (YAML flow
    /// mapping) on line 4.
    static func configFile(_ config: String) throws -> String {
        let directory = Fixtures.scratch + "/sandbox-tool-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/kai.yaml"
        try """
            database: \(directory)/registry.sqlite
            plugins:
              - path: \(plugin)
                config: \(config)
            """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    static func python(_ code: String, tests: String? = nil, extra: [(String, JSONValue)] = []) -> JSONValue {
        var object: JSONObject = ["language": "python", "code": .string(code)]
        if let tests { object["tests"] = .string(tests) }
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }

    @Test func passingCodeAndTests_isOkWithTheOutput() throws {
        let (outcome, result) = try Self.call(Self.python("def add(a, b):\n    return a + b\nprint(add(40, 2))", tests: "assert add(2, 2) == 4"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(result["isError"] == false)
        #expect(result["content"] == [["type": "text", "text": "ok: exit code 0\nstdout:\n42\n"]])
        let structured = try #require(result["structuredContent"])
        #expect(structured["verdict"] == "ok")
        #expect(structured["exit_code"] == 0)
        #expect(structured["stdout"] == "42\n")
        #expect(structured["stderr"] == "")
        #expect(structured["duration_ms"]?.doubleValue != nil)
    }

    @Test func failingTests_areAnErrorResultWithTheTraceback() throws {
        let (outcome, result) = try Self.call(Self.python("def add(a, b):\n    return a - b", tests: "assert add(2, 2) == 4, 'add is wrong'"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(result["isError"] == true)
        let structured = try #require(result["structuredContent"])
        #expect(structured["verdict"] == "failed")
        #expect(structured["exit_code"] == 1)
        #expect(structured["stderr"]?.stringValue?.hasSuffix("AssertionError: add is wrong\n") == true)
        #expect(result["content"]?.arrayValue?.first?["text"]?.stringValue?.hasPrefix("failed: exit code 1\nstderr:\nTraceback") == true)
    }

    @Test func endlessLoop_timesOutAtTheCallsTimeout() throws {
        let (outcome, result) = try Self.call(Self.python("while True:\n    pass", extra: [("timeout_s", 1)]))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(result["isError"] == true)
        #expect(result["structuredContent"]?["verdict"] == "timeout")
        #expect(result["structuredContent"]?["exit_code"] == .null)
        #expect(result["structuredContent"]?["limits"]?["time_s"] == 1)
        #expect(result["content"] == [["type": "text", "text": "timeout: stopped at the 1 s time limit"]])
    }

    @Test func callsTimeout_cannotRaiseTheOperatorsLimit() throws {
        let (outcome, result) = try Self.call(Self.python("while True:\n    pass", extra: [("timeout_s", 600)]),
                                              config: "{time_s: 1, require_isolation: false}")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(result["structuredContent"]?["verdict"] == "timeout")
        #expect(result["structuredContent"]?["limits"]?["time_s"] == 1)
    }

    @Test func output_isCutAtTheOperatorsOutputLimit() throws {
        let (outcome, result) = try Self.call(Self.python("print('x' * 5000)"), config: "{output_kb: 1, require_isolation: false}")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let structured = try #require(result["structuredContent"])
        #expect(structured["verdict"] == "output_limit")
        #expect(structured["stdout"] == .string(String(repeating: "x", count: 1024)))
        #expect(structured["stdout_truncated"] == true)
        #expect(result["isError"] == true)
    }

    @Test(.requiresSandboxCgroups) func memoryHog_isStoppedAtTheOperatorsMemoryLimit() throws {
        let (outcome, result) = try Self.call(Self.python("b = bytearray(512 * 1024 * 1024)\nprint(len(b))"), config: "{memory_mb: 64}")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(result["structuredContent"]?["verdict"] == "oom")
        #expect(result["content"] == [["type": "text", "text": "oom: stopped at the 64 MB memory limit"]])
    }

    @Test func stdin_reachesTheProgram() throws {
        let (outcome, result) = try Self.call(Self.python("print(input().upper())", extra: [("stdin", "hello\n")]))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(result["structuredContent"]?["stdout"] == "HELLO\n")
    }

    /// Full isolation (the default config): the host's secrets are not there.
    @Test(.requiresSandboxCgroups) func readingEtcShadow_findsNoSuchFile() throws {
        let (outcome, result) = try Self.call(Self.python("print(open('/etc/shadow').read())"), config: "{}")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(result["structuredContent"]?["verdict"] == "failed")
        #expect(result["structuredContent"]?["stdout"] == "")
        #expect(result["structuredContent"]?["stderr"]?.stringValue?
            .hasSuffix("FileNotFoundError: [Errno 2] No such file or directory: '/etc/shadow'\n") == true)
    }

    /// A server listening on the host's loopback cannot be reached: the run
    /// has a network namespace of its own with nothing in it.
    @Test(.requiresSandboxCgroups) func network_isUnreachableEvenOnTheHostsLoopback() throws {
        let listener = try LoopbackListener()
        let code = "import socket\ns = socket.create_connection(('127.0.0.1', \(listener.port)), timeout=2)\nprint('connected')"
        let (outcome, result) = try Self.call(Self.python(code), config: "{}")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(result["structuredContent"]?["verdict"] == "failed")
        #expect(result["structuredContent"]?["stdout"] == "")
        #expect(result["structuredContent"]?["stderr"]?.stringValue?.hasSuffix("OSError: [Errno 101] Network is unreachable\n") == true)
    }

    @Test func nothingPersists_fromOneRunToTheNext() throws {
        let marker = "kai-persist-\(UUID().uuidString)"
        let write = "for d in ('/work', '/tmp'):\n    open(d + '/\(marker)', 'w').write('x')\nprint('written')"
        let (first, written) = try Self.call(Self.python(write))
        #expect(first.status == 0 && written["structuredContent"]?["stdout"] == "written\n", "\(first.stderr)")
        let check = "import os\nassert not os.path.exists('/work/\(marker)')\nassert not os.path.exists('/tmp/\(marker)')\nprint('clean')"
        let (second, result) = try Self.call(Self.python(check))
        #expect(second.status == 0, "\(second.stderr)")
        #expect(result["structuredContent"]?["stdout"] == "clean\n")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/\(marker)"))
    }

    @Test func toolsList_showsItReadOnlyAndClosedWorld() throws {
        let outcome = try KaiProcess.run(["tools", "list", "--json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let tools = try #require(try JSONParser.parse(outcome.stdout).arrayValue)
        let tool = try #require(tools.first { $0["name"] == "sandbox_run" })
        #expect(tool["plugin"] == "dev.kai.sandbox")
        #expect(tool["annotations"]?["readOnlyHint"] == true)
        #expect(tool["annotations"]?["destructiveHint"] == false)
        #expect(tool["annotations"]?["openWorldHint"] == false)
        #expect(tool["inputSchema"]?["properties"]?["language"]?["enum"] == ["c", "python", "sh"])
        #expect(tool["inputSchema"]?["required"] == ["language", "code"])
    }

    @Test func unknownLanguage_isRejectedByTheSchema() throws {
        let (outcome, _) = try Self.call(["language": "cobol", "code": "DISPLAY 'HI'."])
        #expect(outcome.status == 65)
        #expect(outcome.stderr == """
            kai: error: arguments for "dev.kai.sandbox.sandbox_run" do not match its input schema:
              $.language: "cobol" is not one of ["c", "python", "sh"] (enum)
            Run 'kai tools describe dev.kai.sandbox.sandbox_run' to see the schema.

            """)
    }

    @Test func operatorLimitOutOfRange_isAConfigErrorNamingTheKey() throws {
        let file = try Self.configFile("{time_s: 100000}")
        let outcome = try KaiProcess.run(["tools", "call", "sandbox_run", "--args", #"{"language": "python", "code": "print(1)"}"#, "--config", file])
        let problem = "\(file):4:14: config of plugin dev.kai.sandbox: $.time_s: 100000 is greater than the maximum of 86400 (maximum). "
            + "See 'kai plugins info dev.kai.sandbox' for its config schema."
        #expect(outcome.status == 69)
        #expect(outcome.stderr == """
            kai: warning: \(problem)
            kai: error: tool "dev.kai.sandbox.sandbox_run" is unavailable: \(Self.plugin): its settings in the operator config cannot be used:
              \(problem)

            """)
    }
}

/// A TCP server socket on the host's 127.0.0.1 that nothing ever accepts on:
/// enough for a connect() to succeed if it could reach it.
final class LoopbackListener {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError(message: "socket failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 4) == 0 else { close(fd); throw FixtureError(message: "bind/listen failed: errno \(errno)") }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}
