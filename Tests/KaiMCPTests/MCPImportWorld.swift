import Foundation
import KaiCore
import KaiJSON
import KaiMCP
import KaiRuntime
import KaiTestSupport

/// A runtime whose config imports the Python SDK fixture server
/// (Tests/Fixtures/mcp/import_fixture_server.py) over stdio as `fx`, or
/// over Streamable HTTP as `web` (the fixture started here with --http).
final class MCPImportWorld: @unchecked Sendable {
    static let server = Fixtures.repositoryRoot + "/Tests/Fixtures/mcp/import_fixture_server.py"
    static let secret = "fixture-secret-" + UUID().uuidString.prefix(8)
    let directory: String
    let record: String
    let runtime: KaiRuntime
    private var httpServer: Process?

    enum Transport { case stdio, http }

    init(_ name: String, transport: Transport = .stdio, extra: String = "") throws {
        directory = Fixtures.scratch + "/mcp-import-\(name)-\(UUID().uuidString.prefix(6))"
        record = directory + "/record"
        try FileManager.default.createDirectory(atPath: record, withIntermediateDirectories: true)
        let entry: String
        switch transport {
        case .stdio:
            entry = """
                  - id: fx
                    command: \(MCPPeers.python)
                    args: [\(Self.server), --record, \(record)]
                    secrets: { FIXTURE_SECRET: MY_SECRET }
                """
        case .http:
            let (process, port) = try Self.startHTTP(record: record)
            httpServer = process
            entry = """
                  - id: web
                    url: http://127.0.0.1:\(port)/mcp
                    token_secret: WEB_TOKEN
                """
        }
        let config = directory + "/kai.yaml"
        try "database: \(directory)/registry.sqlite\nmcp_servers:\n\(entry)\n\(extra)".write(toFile: config, atomically: true, encoding: .utf8)
        var settings = RuntimeSettings(configFile: config, loadsBundledPlugins: false, bundledDirectory: nil)
        settings.importers = [MCPToolImporter()]
        runtime = try KaiRuntime.open(settings: settings, environment: [
            "HOME": directory, "PATH": "/usr/bin:/bin", "MY_SECRET": Self.secret, "WEB_TOKEN": Self.secret,
        ], diagnostics: QuietDiagnostics())
    }

    deinit {
        try? runtime.shutdown()
        if let httpServer {
            // SIGKILL: uvicorn's graceful stop waits for idle keep-alive connections.
            kill(httpServer.processIdentifier, SIGKILL)
            httpServer.waitUntilExit()
        }
    }

    /// The fixture over HTTP with a bearer token; its first stdout line is its port.
    private static func startHTTP(record: String) throws -> (Process, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: MCPPeers.python)
        process.arguments = [server, "--http", "--token", secret, "--record", record]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first else { throw FixtureError(message: "the HTTP fixture exited before printing its port") }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else { throw FixtureError(message: "no port from the HTTP fixture") }
        return (process, port)
    }

    func call(_ tool: String, _ arguments: String, timeout: Double? = 30,
              onEvent: ToolEventHandler? = nil) -> Result<String, CallError> {
        var options = CallOptions()
        options.timeout = timeout
        options.onEvent = onEvent
        do {
            let result = try runtime.host.callTool(tool, arguments: Array(arguments.utf8), options: options)
            return .success(String(decoding: result.json, as: UTF8.self))
        } catch {
            return .failure(error)
        }
    }

    /// Waits for the fixture to write `event` in the record directory:
    /// blocks on inotify (watching before looking, so no write is missed),
    /// never sleeps; `seconds` is only a hang guard.
    func recorded(_ event: String, within seconds: Double = 20) -> Bool {
        let watch = inotify_init1(Int32(IN_CLOEXEC))
        guard watch >= 0 else { return FileManager.default.fileExists(atPath: record + "/" + event) }
        defer { close(watch) }
        _ = inotify_add_watch(watch, record, UInt32(IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO))
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if FileManager.default.fileExists(atPath: record + "/" + event) { return true }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return false }
            var pollfd = Glibc.pollfd(fd: watch, events: Int16(POLLIN), revents: 0)
            if poll(&pollfd, 1, Int32(left * 1000) + 1) > 0 {
                _ = buffer.withUnsafeMutableBytes { read(watch, $0.baseAddress, $0.count) }
            }
        }
    }
}

struct QuietDiagnostics: RuntimeDiagnostics {
    func warning(_ text: String) { FileHandle.standardError.write(Data("warning: \(text)\n".utf8)) }
    func notice(_ text: String) {}
}

/// Collects the events of a call.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ToolEvent] = []

    var handler: ToolEventHandler {
        { [self] event in
            lock.withLock { events.append(event) }
            return .continue
        }
    }

    var all: [ToolEvent] { lock.withLock { events } }
}
