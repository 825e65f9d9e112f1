import Foundation
import KaiCore
import KaiMCP
import KaiRuntime
import KaiTestSupport
import Testing

/// Kai's MCP client against a raw stdio server that misbehaves
/// (Tests/Fixtures/mcp/raw_server.py): a server that floods requests and
/// never reads its stdin, one that sends an endless line, one that sends a
/// line that is not JSON. Each call must end by its deadline with Kai's
/// own message, and never hang.
@Suite(.enabled(if: MCPPeers.missing == nil, "\(MCPPeers.missing ?? "")"))
struct MCPImportHardeningTests {
    static let server = Fixtures.repositoryRoot + "/Tests/Fixtures/mcp/raw_server.py"

    /// A runtime importing raw_server.py in `mode` as `raw`.
    private func runtime(_ mode: String) throws -> KaiRuntime {
        let directory = Fixtures.scratch + "/mcp-raw-\(mode)-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/kai.yaml"
        try """
            database: \(directory)/registry.sqlite
            mcp_servers:
              - id: raw
                command: \(MCPPeers.python)
                args: [\(Self.server), \(mode)]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        var settings = RuntimeSettings(configFile: config, loadsBundledPlugins: false, bundledDirectory: nil)
        settings.importers = [MCPToolImporter()]
        return try KaiRuntime.open(settings: settings, environment: ["HOME": directory, "PATH": "/usr/bin:/bin"],
                                   diagnostics: QuietDiagnostics())
    }

    /// Calls raw.echo on a thread of its own; nil when the call has not
    /// returned within the hang guard (far past its deadline).
    private func call(_ runtime: KaiRuntime, timeout: Double) -> CallError?? {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        let thread = Thread {
            var options = CallOptions()
            options.timeout = timeout
            do throws(CallError) {
                _ = try runtime.host.callTool("raw.echo", arguments: Array("{}".utf8), options: options)
                box.set(.some(nil))
            } catch {
                box.set(.some(error))
            }
            done.signal()
        }
        thread.start()
        guard done.wait(timeout: .now() + 120) == .success else { return nil }
        return box.value
    }

    @Test func aServerThatFloodsRequestsAndStopsReadingItsInput_isStopped_andTheCallFailsAtItsDeadline() throws {
        let runtime = try runtime("flood")
        defer { try? runtime.shutdown() }
        guard let outcome = call(runtime, timeout: 2) else { Issue.record("the call hung past its deadline"); return }
        guard let error = outcome else { Issue.record("the call succeeded"); return }
        #expect(error.kind == .deadlineExceeded, "\(error)")
        #expect(error.description.hasPrefix("tool \"raw.echo\" passed its deadline of 2.000 s"), "\(error)")
        #expect(error.description.hasSuffix(": MCP server raw had not answered and stopped reading its input; Kai stopped it."), "\(error)")
    }

    @Test func aServerThatSendsAnEndlessLine_isStopped_andTheCallFails_asAWorkerFailure() throws {
        let runtime = try runtime("hugeline")
        defer { try? runtime.shutdown() }
        guard let outcome = call(runtime, timeout: 60) else { Issue.record("the call hung"); return }
        guard let error = outcome else { Issue.record("the call succeeded"); return }
        #expect(error.description == "tool \"raw.echo\" failed: MCP server raw sent a message over 16777216 bytes; Kai stopped it during the call. The host is unaffected; the next call starts the server again.")
        #expect(error.kind.isWorkerFailure)
    }

    @Test func aReplyKaiCannotParse_failsTheCall_withoutWaitingForItsDeadline() throws {
        let runtime = try runtime("garbage")
        defer { try? runtime.shutdown() }
        guard let outcome = call(runtime, timeout: 60) else { Issue.record("the call hung"); return }
        guard let error = outcome else { Issue.record("the call succeeded"); return }
        #expect(error.kind == .toolFailed, "not the deadline: \(error)")
        #expect(error.description == "tool \"raw.echo\" failed (INTERNAL): MCP server raw sent a message Kai could not parse: "
            + "invalid literal, expected 'true' at line 1, column 1", "\(error)")
    }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: CallError??
    func set(_ value: CallError??) { lock.withLock { stored = value } }
    var value: CallError?? { lock.withLock { stored } }
}

/// Kai's Streamable HTTP client never follows a redirect: it would carry
/// the bearer token to the host the Location names.
@Suite struct MCPImportHTTPRedirectTests {
    /// Through the real `kai`, as an operator meets it: the redirect is
    /// refused at once, and nothing reaches its target.
    @Test func aRedirectingServer_isRefusedNamingTheStatusAndLocation_andTheTokenGoesNowhere() throws {
        let directory = Fixtures.scratch + "/mcp-redirect-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let record = directory + "/stolen"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.repositoryRoot + "/Tests/Fixtures/mcp/redirect_server.py", record]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // SIGKILL: the fixture may have inherited a mask blocking SIGTERM.
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        var line: [UInt8] = []
        while let byte = output.fileHandleForReading.readData(ofLength: 1).first, byte != UInt8(ascii: "\n") { line.append(byte) }
        let port = try #require(Int(String(decoding: line, as: UTF8.self)), "the fixture printed no port")
        let config = directory + "/kai.yaml"
        try """
            database: \(directory)/registry.sqlite
            mcp_servers:
              - id: web
                url: http://127.0.0.1:\(port)/mcp
                token_secret: KAI_REDIRECT_TEST_TOKEN
                timeout: 20
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let outcome = try KaiProcess.run(["tools", "call", "web.echo", "--config", config, "--no-bundled-plugins"],
                                         environment: ["HOME": KaiProcess.home, "PATH": "/usr/bin:/bin",
                                                       "KAI_REDIRECT_TEST_TOKEN": "tok-secret-redirect"])
        #expect(outcome.status == 66, "\(outcome.stderr)")
        #expect(outcome.stderr == """
            kai: warning: \(config):3: MCP server web could not start to list its tools: initialize failed: the server answered \
            HTTP 307 redirecting to http://127.0.0.1:\(port)/stolen; Kai does not follow redirects (they would take the token \
            elsewhere): set the entry's url: to the address that answers
            kai: error: no tool named "web.echo". Run 'kai tools list' to see the tools.

            """)
        #expect(!FileManager.default.fileExists(atPath: record), "a request reached the redirect's target")
    }
}

/// One tool Kai cannot take leaves the server's other tools listed and
/// callable, and the list is not cached: once the server is fixed, the
/// tool appears.
@Suite(.enabled(if: MCPPeers.missing == nil, "\(MCPPeers.missing ?? "")"))
struct MCPImportOneBadToolTests {
    @Test func aBadTool_isLeftOutWithAWarning_theOthersWork_andOnceFixedItAppears() throws {
        let directory = Fixtures.scratch + "/mcp-onebad-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/kai.yaml"
        let fixed = directory + "/fixed"
        try """
            database: \(directory)/registry.sqlite
            mcp_servers:
              - id: raw
                command: \(MCPPeers.python)
                args: [\(MCPImportHardeningTests.server), onebad, \(fixed)]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        func open(_ diagnostics: CollectedDiagnostics) throws -> KaiRuntime {
            var settings = RuntimeSettings(configFile: config, loadsBundledPlugins: false, bundledDirectory: nil)
            settings.importers = [MCPToolImporter()]
            return try KaiRuntime.open(settings: settings, environment: ["HOME": directory, "PATH": "/usr/bin:/bin"], diagnostics: diagnostics)
        }
        let first = CollectedDiagnostics()
        let runtime = try open(first)
        let names = runtime.host.index(.tool).entries.map(\.qualifiedName)
        #expect(names == ["raw.echo"], "\(names)")
        let warning = try #require(first.warnings.first { $0.contains("tool \"bad\"") }, "\(first.warnings)")
        #expect(warning.hasPrefix("\(config):3: MCP server raw: tool \"bad\" is left out: "), "\(warning)")
        let result = try runtime.host.callTool("raw.echo", arguments: Array("{}".utf8), options: CallOptions(timeout: 30))
        #expect(String(decoding: result.json, as: UTF8.self) == #"{"text":"ok"}"#)
        try runtime.shutdown()

        FileManager.default.createFile(atPath: fixed, contents: Data())
        let second = CollectedDiagnostics()
        let again = try open(second)
        defer { try? again.shutdown() }
        #expect(again.host.index(.tool).entries.map(\.qualifiedName).sorted() == ["raw.bad", "raw.echo"], "\(second.warnings)")
    }
}

final class CollectedDiagnostics: RuntimeDiagnostics, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []
    func warning(_ text: String) { lock.withLock { collected.append(text) } }
    func notice(_ text: String) {}
    var warnings: [String] { lock.withLock { collected } }
}
