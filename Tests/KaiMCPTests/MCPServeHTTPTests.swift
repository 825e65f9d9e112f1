import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai mcp serve --http`: what the endpoint refuses before any JSON-RPC
/// (a missing or wrong bearer token: 401; a foreign Origin: 403; GET: 405),
/// malformed JSON-RPC (400 with a JSON-RPC error), asked with curl.
@Suite struct MCPServeHTTPTests {
    /// A running `kai mcp serve --http 0` and its URL; SIGTERM ends it.
    final class Server {
        let process = Process()
        let url: String
        private let errors = Pipe()

        init(_ workspace: MCPServeWorkspace) throws {
            process.executableURL = URL(fileURLWithPath: KaiProcess.executable)
            process.arguments = Array(workspace.serveArguments(["--http", "0", "--token-secret", MCPServeWorkspace.tokenVariable]).dropFirst())
            process.environment = workspace.environment
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
            var seen = ""
            while !seen.contains("/mcp\n") {
                let chunk = errors.fileHandleForReading.availableData
                guard !chunk.isEmpty else { throw FixtureError(message: "kai mcp serve --http ended: \(seen)") }
                seen += String(decoding: chunk, as: UTF8.self)
            }
            url = String(seen.split(separator: "\n").first { $0.contains(" at http://") }!.split(separator: " ").last!)
        }

        /// Ends the server; returns its exit status and the rest of its stderr.
        func stop() -> (Int32, String) {
            kill(process.processIdentifier, SIGTERM)
            let rest = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, rest)
        }
    }

    /// curl's status line and body for one request.
    static func curl(
        _ url: String, method: String = "POST", headers: [String] = [], body: String? = nil, showHeaders: Bool = false
    ) throws -> (status: Int, body: String) {
        var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "-X", method] + (showHeaders ? ["-i"] : [])
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        let outcome = try Subprocess.run("/usr/bin/curl", arguments + [url])
        let parts = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(parts.last ?? "") ?? -1, parts.dropLast().joined(separator: "\n"))
    }

    static let ping = #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
    static let bearer = "Authorization: Bearer \(MCPServeWorkspace.token)"

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "needs /usr/bin/curl"))
    func http_refusesBadTokensForeignOriginsAndGET_answersMalformedJSONWith400_andExits0OnSIGTERM() throws {
        let server = try Server(try MCPServeWorkspace("http-refusals"))
        let unauthorized = "Unauthorized: send the token of the secret named by --token-secret as 'Authorization: Bearer TOKEN'.\n"
        #expect(try Self.curl(server.url, body: Self.ping) == (401, unauthorized))
        #expect(try Self.curl(server.url, headers: ["Authorization: Bearer wrong"], body: Self.ping) == (401, unauthorized))
        #expect(try Self.curl(server.url, headers: [Self.bearer, "Origin: http://evil.example"], body: Self.ping) == (403,
            "Forbidden: Origin 'http://evil.example' is not this machine; kai mcp serve answers only local origins (localhost, 127.0.0.1).\n"))
        #expect(try Self.curl(server.url, method: "GET", headers: [Self.bearer]).status == 405)
        let session = "Mcp-Session-Id: " + (try MCPServeHTTPHardeningTests.initializeSession(server.url))
        let pong = try Self.curl(server.url, headers: [Self.bearer, session, "Origin: http://localhost:6274"], body: Self.ping)
        #expect(pong.status == 200)
        #expect(try JSONParser.parse(pong.body) == ["jsonrpc": "2.0", "id": 1, "result": [:]])
        let malformed = try Self.curl(server.url, headers: [Self.bearer, session], body: "{\"jsonrpc\": ")
        #expect(malformed.status == 400)
        #expect(try JSONParser.parse(malformed.body)["error"]?["code"] == -32700)
        #expect(try Self.curl(server.url.replacingOccurrences(of: "/mcp", with: "/other"), headers: [Self.bearer], body: Self.ping).status == 404)
        let (status, stderr) = server.stop()
        #expect(status == 0)
        #expect(!stderr.contains(MCPServeWorkspace.token))
    }

    /// Within a session, a request naming a revision the server does not
    /// speak gets 400 (the spec's rule for MCP-Protocol-Version).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "needs /usr/bin/curl"))
    func http_withinASession_refusesAnUnsupportedProtocolVersionHeader() throws {
        let server = try Server(try MCPServeWorkspace("http-version"))
        defer { _ = server.stop() }
        let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
        let answer = try Self.curl(server.url, headers: [Self.bearer], body: initialize, showHeaders: true)
        let session = try #require(answer.body.split(separator: "\r\n").first { $0.lowercased().hasPrefix("mcp-session-id:") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces))
        let inSession = [Self.bearer, "Mcp-Session-Id: \(session)"]
        #expect(try Self.curl(server.url, headers: inSession + ["MCP-Protocol-Version: 2025-06-18"], body: Self.ping).status == 200)
        let refused = try Self.curl(server.url, headers: inSession + ["MCP-Protocol-Version: 1999-01-01"], body: Self.ping)
        #expect(refused.status == 400)
        #expect(try JSONParser.parse(refused.body)["error"] == ["code": -32600, "message":
            "Bad Request: unsupported MCP-Protocol-Version '1999-01-01'; this server speaks 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05"])
        #expect(try Self.curl(server.url, headers: [Self.bearer, "Mcp-Session-Id: no-such-session"], body: Self.ping).status == 404)
    }
}
