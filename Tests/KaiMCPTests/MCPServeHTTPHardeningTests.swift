import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai mcp serve --http` under pressure: SIGTERM with calls in flight,
/// many calls at once, requests refused from their head alone, requests
/// without a session, close-on-exec sockets.
@Suite struct MCPServeHTTPHardeningTests {
    static let curlMissing: String? = FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") ? nil : "needs /usr/bin/curl"
    static let bearer = MCPServeHTTPTests.bearer
    static let httpArguments = ["--http", "0", "--token-secret", MCPServeWorkspace.tokenVariable]

    /// Starts a session; returns its Mcp-Session-Id.
    static func initializeSession(_ url: String) throws -> String {
        let answer = try MCPServeHTTPTests.curl(url, headers: [bearer], body: MCPServeProtocolTests.initialize, showHeaders: true)
        return try #require(answer.body.split(separator: "\r\n").first { $0.lowercased().hasPrefix("mcp-session-id:") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces), "\(answer)")
    }

    /// A curl POST running in the background; `finish` returns its body.
    final class Request: @unchecked Sendable {
        let process = Process()
        let output = Pipe()

        init(_ url: String, session: String, body: String) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments = ["-s", "-H", MCPServeHTTPHardeningTests.bearer, "-H", "Mcp-Session-Id: \(session)",
                                 "-H", "Content-Type: application/json", "--data-binary", body, url]
            process.standardOutput = output
            try process.run()
        }

        func finish() -> String {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
    }

    static func call(_ id: Int, _ name: String, _ arguments: String) -> String {
        MCPServeStdioHardeningTests.call(.integer(Int64(id)), name, arguments)
    }

    /// Sixteen `rendezvous` calls (n: 16) each wait until sixteen are in
    /// flight: they return only if the server runs them all at once.
    @Test(.enabled(if: curlMissing == nil, "needs /usr/bin/curl"))
    func http_runsSixteenCallsAtOnce() throws {
        let workspace = try MCPServeWorkspace("http-rendezvous", approvals: "        rendezvous: { mcp: allow }")
        let server = try ServeProcess(workspace, Self.httpArguments + ["--timeout", "120"])
        let url = try #require(server.httpURL(), "\(server.stderr)")
        let session = try Self.initializeSession(url)
        let requests = try (0..<16).map { try Request(url, session: session, body: Self.call($0 + 10, "rendezvous", #"{"n":16}"#)) }
        let answers = requests.map { (try? JSONParser.parse($0.finish())) ?? .null }
        #expect(answers.map { MCPServeStdioHardeningTests.text($0) } == Array(repeating: #"{"met":true}"#, count: 16), "\(answers)")
        kill(server.pid, SIGTERM)
        #expect(server.finish().status == 0)
    }

    /// SIGTERM with calls running (and their connections open): the server
    /// says it stops, no longer accepts connections, cancels the calls
    /// after --drain-timeout (each gets its error result) and exits 75.
    /// Its sockets — listening and accepted — are close-on-exec.
    @Test(.enabled(if: curlMissing == nil, "needs /usr/bin/curl"))
    func http_sigtermWithCallsInFlight_stopsListeningAtOnce_cancelsThemAfterTheDrain_andExits75() throws {
        let workspace = try MCPServeWorkspace("http-sigterm")
        let server = try ServeProcess(workspace, Self.httpArguments + ["--drain-timeout", "0.5"])
        let url = try #require(server.httpURL(), "\(server.stderr)")
        let session = try Self.initializeSession(url)
        let requests = try (0..<4).map { try Request(url, session: session, body: Self.call($0 + 10, "sleep_ms", #"{"ms":600000}"#)) }
        try #require(server.waitForStderr("sleep_ms started", count: 4), "\(server.stderr)")

        let sockets = try Self.tcpSocketFlags(pid: server.pid, port: Int(URL(string: url)!.port!))
        #expect(sockets.count >= 5, "the listening socket and the 4 connections: \(sockets)")
        #expect(sockets.allSatisfy { $0.flags & 0o2000000 != 0 }, "every socket is O_CLOEXEC: \(sockets)")

        kill(server.pid, SIGTERM)
        try #require(server.waitForStderr(
            "kai: stopping: no new calls; 4 call(s) in flight get up to 0.5 s (--drain-timeout) to finish"), "\(server.stderr)")
        #expect(try MCPServeHTTPTests.curl(url, headers: [Self.bearer], body: MCPServeHTTPTests.ping).status == 0,
                "no connection once the server stops listening")
        let (status, _, stderr) = server.finish()
        #expect(status == 75, "\(stderr)")
        for request in requests {
            let answer = try JSONParser.parse(request.finish())
            #expect(answer["result"]?["isError"] == true, "\(answer)")
        }
    }

    /// The TCP sockets of `pid` on `port` (listening and accepted) and their fdinfo flags.
    static func tcpSocketFlags(pid: Int32, port: Int) throws -> [(fd: String, flags: Int)] {
        let portHex = String(format: ":%04X ", port)
        // Read to EOF: /proc files report size 0, and the table may be long.
        let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(pid)/net/tcp"))
        defer { try? file.close() }
        let table = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
        let inodes = Set(table.split(separator: "\n").dropFirst().compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count > 9, (String(fields[1]) + " ").hasSuffix(portHex) else { return nil }
            return String(fields[9])
        })
        return try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").compactMap { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                  target.hasPrefix("socket:["), inodes.contains(String(target.dropFirst(8).dropLast())) else { return nil }
            let info = try String(contentsOfFile: "/proc/\(pid)/fdinfo/\(fd)", encoding: .utf8)
            let flags = info.split(separator: "\n").first { $0.hasPrefix("flags:") }?.split(separator: "\t").last
            return (fd, Int(flags.map(String.init) ?? "", radix: 8) ?? 0)
        }
    }

    /// Refused from the head alone — the server answers at once and closes,
    /// reading none of the (announced, never sent) body: a wrong token, a
    /// foreign Origin, a body announced over 16 MiB.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs /usr/bin/python3"))
    func http_refusesFromTheHead_beforeReadingAnyBody() throws {
        let workspace = try MCPServeWorkspace("http-head")
        let server = try ServeProcess(workspace, Self.httpArguments)
        let url = try #require(server.httpURL(), "\(server.stderr)")
        let port = String(URL(string: url)!.port!)
        let raw = { (headers: [String]) throws -> String in
            try Subprocess.run("/usr/bin/python3", [Fixtures.repositoryRoot + "/Tests/Fixtures/mcp_http_raw.py", port] + headers).stdout
        }
        #expect(try raw(["Authorization: Bearer wrong", "Content-Length: 100000000"]) == "HTTP/1.1 401 Unauthorized\n"
            + "Unauthorized: send the token of the secret named by --token-secret as 'Authorization: Bearer TOKEN'.\n")
        #expect(try raw([Self.bearer, "Origin: http://evil.example", "Content-Length: 100000000"]) == "HTTP/1.1 403 Forbidden\n"
            + "Forbidden: Origin 'http://evil.example' is not this machine; kai mcp serve answers only local origins (localhost, 127.0.0.1).\n")
        #expect(try raw([Self.bearer, "Content-Length: \(17 << 20)"]) == "HTTP/1.1 413 Payload Too Large\n"
            + "Payload Too Large: a message may be at most 16 MiB.\n")
        // The scheme's name is case-insensitive (RFC 7235).
        let initialize = MCPServeProtocolTests.initialize
        #expect(try MCPServeHTTPTests.curl(url, headers: ["Authorization: bearer \(MCPServeWorkspace.token)"], body: initialize).status == 200)
        kill(server.pid, SIGTERM)
        #expect(server.finish().status == 0)
    }

    /// The server issues session ids: any request but initialize without
    /// one gets 400 (the spec), with a JSON-RPC error saying what to do.
    @Test(.enabled(if: curlMissing == nil, "needs /usr/bin/curl"))
    func http_requestsWithoutASession_get400() throws {
        let workspace = try MCPServeWorkspace("http-no-session")
        let server = try ServeProcess(workspace, Self.httpArguments)
        let url = try #require(server.httpURL(), "\(server.stderr)")
        let noSession = try MCPServeHTTPTests.curl(url, headers: [Self.bearer], body: Self.call(2, "add", #"{"a":1,"b":2}"#))
        #expect(noSession.status == 400)
        #expect(try JSONParser.parse(noSession.body) == ["jsonrpc": "2.0", "id": 2, "error": ["code": -32600, "message":
            "Bad Request: no Mcp-Session-Id header; send initialize first, then its Mcp-Session-Id with every request."]])
        let session = try Self.initializeSession(url)
        let added = try MCPServeHTTPTests.curl(url, headers: [Self.bearer, "Mcp-Session-Id: \(session)"], body: Self.call(2, "add", #"{"a":1,"b":2}"#))
        #expect(try JSONParser.parse(added.body)["result"]?["structuredContent"] == ["sum": 3])
        kill(server.pid, SIGTERM)
        #expect(server.finish().status == 0)
    }

    /// At most 256 connections are open at once: one more is closed
    /// unanswered; once one closes, a new one is served.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs /usr/bin/python3"))
    func http_past256Connections_aNewOneIsClosed_untilOneCloses() throws {
        let workspace = try MCPServeWorkspace("http-connections")
        let server = try ServeProcess(workspace, Self.httpArguments)
        let url = try #require(server.httpURL(), "\(server.stderr)")
        let tries = try Subprocess.run("/usr/bin/python3", [
            Fixtures.repositoryRoot + "/Tests/Fixtures/mcp_http_connections.py", String(URL(string: url)!.port!), "256", MCPServeWorkspace.token,
        ])
        #expect(tries.stdout == "closed\nHTTP/1.1 401 Unauthorized\n", "\(tries.stderr)")
        kill(server.pid, SIGTERM)
        #expect(server.finish().status == 0)
    }

    /// --idle-timeout: a connection that sends nothing is closed; one
    /// waiting for a call longer than that keeps its connection and gets
    /// the answer.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") && curlMissing == nil, "needs python3 and curl"))
    func http_idleConnection_isClosed_butOneAwaitingACallIsNot() throws {
        let workspace = try MCPServeWorkspace("http-idle")
        let server = try ServeProcess(workspace, Self.httpArguments + ["--idle-timeout", "0.2"])
        let url = try #require(server.httpURL(), "\(server.stderr)")
        // recv returns b"" once the server closes; the socket timeout is a hang guard.
        let idle = try Subprocess.run("/usr/bin/python3", ["-c", """
            import socket, sys
            c = socket.create_connection(("127.0.0.1", \(URL(string: url)!.port!))); c.settimeout(120)
            try:
                print("closed" if c.recv(1) == b"" else "data")
            except socket.timeout:
                print("TIMEOUT")
            """])
        #expect(idle.stdout == "closed\n", "\(idle.stderr)")
        let session = try Self.initializeSession(url)
        let slow = try Request(url, session: session, body: Self.call(2, "sleep_ms", #"{"ms":1500}"#))
        let answer = try JSONParser.parse(slow.finish())
        #expect(MCPServeStdioHardeningTests.text(answer)?.hasPrefix(#"{"slept_ms":1500"#) == true, "\(answer)")
        kill(server.pid, SIGTERM)
        #expect(server.finish().status == 0)
    }
}
