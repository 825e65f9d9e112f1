import ArgumentParser
import Foundation
import KaiCore
import KaiMCP
import KaiRegistry
import KaiRuntime

/// `kai mcp serve`: the enabled tools to any MCP client, over stdio or
/// Streamable HTTP on 127.0.0.1, with the validation, deadlines, approvals,
/// call log and scores of `kai tools call`.
struct McpServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the enabled tools over MCP (stdio, or Streamable HTTP with --http).",
        discussion: """
            Over stdio, an MCP client starts `kai mcp serve` and speaks JSON-RPC on its stdin and stdout. With --http PORT it \
            listens on 127.0.0.1:PORT/mcp (0 picks a free port, printed on stderr) and every request must carry \
            'Authorization: Bearer TOKEN', TOKEN being the secret --token-secret names (an environment variable, or \
            'kai keys set NAME'); every request but initialize must carry the Mcp-Session-Id initialize returned. \
            Calls that need approval are refused unless the approvals policy says mcp: allow, and so are such calls \
            a tool makes on a client's behalf; refused calls are in the call log (PERMISSION_DENIED). At most \
            --max-calls calls run at once; past it a call gets the JSON-RPC error -32000 'Too many calls in flight'. \
            A stdio message line over 16 MiB is skipped with the JSON-RPC error -32600; an HTTP body over 16 MiB gets 413. \
            On EOF (stdio) or SIGTERM the server takes no new calls and lets those in flight finish: after \
            --drain-timeout it cancels the rest and waits as long again, then up to 2 s to stop workers and write the \
            call log, so it exits within twice --drain-timeout plus 2 s: 0 when every call finished, 75 when calls \
            had to be cancelled.
            """
    )

    @OptionGroup var runtime: RuntimeOptions
    @Option(name: .long, help: ArgumentHelp("Serve Streamable HTTP on 127.0.0.1:PORT instead of stdio (0: any free port).", valueName: "port"))
    var http: Int?
    @Option(name: .long, help: ArgumentHelp("The secret (environment variable or kai keys name) holding the HTTP bearer token.", valueName: "name"))
    var tokenSecret: String?
    @Option(name: .long, help: ArgumentHelp("Each call's deadline in seconds.", valueName: "seconds")) var timeout: Double = 60
    @Option(name: .long, help: ArgumentHelp("On EOF or SIGTERM, how long calls in flight may take before they are cancelled.", valueName: "seconds"))
    var drainTimeout: Double = 10
    @Option(name: .long, help: ArgumentHelp("How many calls may run at once (each holds a thread).", valueName: "count"))
    var maxCalls: Int = MCPServeSettings.defaultMaxCalls
    @Option(name: .long, help: ArgumentHelp("With --http: close a connection that sends nothing this long while no response of its is pending.", valueName: "seconds"))
    var idleTimeout: Double = MCPHTTPServer.defaultIdleSeconds

    func validate() throws {
        if let http, !(0...65535).contains(http) {
            throw ValidationError("--http must be a port from 0 to 65535, got '\(http)'.")
        }
        if http != nil, tokenSecret == nil {
            throw ValidationError("--http needs --token-secret NAME: the secret holding the bearer token clients must send.")
        }
        if http == nil, tokenSecret != nil {
            throw ValidationError("--token-secret applies only with --http PORT; over stdio the client that starts kai is trusted.")
        }
        if let tokenSecret, tokenSecret.range(of: "^[A-Z_][A-Z0-9_]*$", options: .regularExpression) == nil {
            throw ValidationError("--token-secret must name a secret (an environment variable name matching ^[A-Z_][A-Z0-9_]*$), not hold one.")
        }
        if !(1...4096).contains(maxCalls) {
            throw ValidationError("--max-calls must be from 1 to 4096, got '\(maxCalls)'.")
        }
        for (name, value) in [("--timeout", timeout), ("--drain-timeout", drainTimeout), ("--idle-timeout", idleTimeout)] where !(value > 0 && value.isFinite) {
            throw ValidationError("\(name) must be a positive number of seconds, got '\(value)'.")
        }
    }

    func run() throws {
        let token = try tokenSecret.map(Self.readToken)
        // stdin carries the client's messages: no plugin may read it.
        let input = http == nil ? StdinClaim.claim() : -1
        // A server stays up for hours: plugins not bundled with Kai run in
        // workers unless their entry says otherwise (IsolationPolicy).
        let runtime = try self.runtime.openRuntime(isolation: .longRunning)
        let settings = MCPServeSettings(callTimeout: timeout, drainSeconds: drainTimeout, maxCalls: maxCalls)
        let dispatcher = MCPDispatcher(runtime: runtime, settings: settings)
        let drainTimeout = drainTimeout
        let draining = { @Sendable (calls: Int) in
            Console.note("kai: stopping: no new calls; \(calls) call(s) in flight get up to \(drainTimeout) s (--drain-timeout) to finish")
        }
        let drained: MCPDispatcher.Drained
        if let http, let token {
            let server: MCPHTTPServer
            do {
                server = try MCPHTTPServer(dispatcher: dispatcher, port: http, token: token, idleSeconds: idleTimeout)
            } catch {
                throw ExitCodes.fail("cannot listen on 127.0.0.1:\(http): \(error). Pick another port with --http.", ExitCodes.unavailable)
            }
            Console.note("kai: serving \(dispatcher.toolCount) tools over MCP at http://127.0.0.1:\(server.port)/mcp")
            drained = server.serveUntilTerminated(draining: draining)
        } else {
            drained = MCPStdioServer.serve(dispatcher, input: input, output: Console.stdoutDescriptor, draining: draining).drained
        }
        if drained.unfinished > 0 {
            Console.warning("\(drained.unfinished) call(s) did not finish within --drain-timeout after being cancelled; kai exits without them.")
        } else if drained.cancelled > 0 {
            Console.warning("\(drained.cancelled) call(s) did not finish within --drain-timeout and were cancelled.")
        }
        CallRecording.confirm(runtime, callSucceeded: true)
        if drained.cancelled > 0 { throw ExitCode(ExitCodes.callsAbandoned) }
    }

    /// The bearer token: the environment variable NAME, else `kai keys`.
    /// Its value never reaches a message.
    static func readToken(_ name: String) throws -> [UInt8] {
        let environment = ProcessInfo.processInfo.environment
        if let value = environment[name], !value.isEmpty { return Array(value.utf8) }
        let stored: [String: String]
        do throws(ConfigError) {
            stored = try KeysFile(environment: environment).load()
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.config)
        }
        guard let value = stored[name], !value.isEmpty else {
            throw ExitCodes.fail(
                "--token-secret \(name): the secret is not set. Set the environment variable \(name), or store it with 'kai keys set \(name)'.",
                ExitCodes.config)
        }
        return Array(value.utf8)
    }
}
