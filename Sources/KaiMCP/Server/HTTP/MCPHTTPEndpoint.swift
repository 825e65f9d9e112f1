import Dispatch
import Foundation
import KaiJSON
import NIOCore
import NIOHTTP1
import Synchronization

/// The Streamable HTTP endpoint (POST, DELETE on /mcp) over the dispatcher:
/// sessions by `Mcp-Session-Id` (issued by initialize), 202 for
/// notifications, JSON or SSE for requests. GET (a server-to-client
/// stream) is not offered: 405, as the spec allows.
final class MCPHTTPEndpoint: Sendable {
    let dispatcher: MCPDispatcher
    let check: HTTPRequestCheck
    private let sessions = Mutex<[String: MCPClientConnection]>([:])

    init(dispatcher: MCPDispatcher, token: [UInt8]) {
        self.dispatcher = dispatcher
        self.check = HTTPRequestCheck(token: token)
    }

    /// Checks a request's head (path, Origin, token) before its body is
    /// read; a refused request is answered and its connection closed.
    func refuseEarly(_ head: HTTPRequestHead, channel: any Channel) -> Bool {
        guard let refusal = check.refusal(head) else { return false }
        let status: HTTPResponseStatus = switch refusal {
        case .notFound: .notFound
        case .forbiddenOrigin: .forbidden
        case .unauthorized: .unauthorized
        }
        let extra = refusal == .unauthorized ? [("www-authenticate", "Bearer")] : []
        HTTPReply.refuse(channel, status, HTTPRequestCheck.message(refusal), keepAlive: false, extraHeaders: extra)
        return true
    }

    static let noSessionText = "Bad Request: no Mcp-Session-Id header; send initialize first, then its Mcp-Session-Id with every request."

    /// A request whose head passed `refuseEarly`.
    func handle(_ head: HTTPRequestHead, body: [UInt8], channel: any Channel) {
        let keepAlive = head.isKeepAlive
        let sessionID = head.headers.first(name: "mcp-session-id")
        switch head.method {
        case .POST:
            post(body, sessionID: sessionID, version: head.headers.first(name: "mcp-protocol-version"), channel: channel, keepAlive: keepAlive)
        case .DELETE:
            guard let sessionID, let session = sessions.withLock({ $0.removeValue(forKey: sessionID) }) else {
                return HTTPReply.refuse(channel, .notFound, "Not Found: no such MCP session.", keepAlive: keepAlive)
            }
            session.cancelAll()
            HTTPReply.send(channel, status: .ok, keepAlive: keepAlive)
        default:
            HTTPReply.refuse(channel, .methodNotAllowed, "Method Not Allowed: use POST (and DELETE to end a session).",
                             keepAlive: keepAlive, extraHeaders: [("allow", "POST, DELETE")])
        }
    }

    private static func requestID(_ incoming: JSONRPC.Incoming) -> JSONValue {
        if case .request(let id, _, _) = incoming { return id }
        return .null
    }

    private func post(_ body: [UInt8], sessionID: String?, version: String?, channel: any Channel, keepAlive: Bool) {
        let incoming = JSONRPC.decode(body)
        var extraHeaders: [(String, String)] = []
        let session: MCPClientConnection
        if case .request(_, "initialize", _) = incoming {
            let id = UUID().uuidString
            session = MCPClientConnection()
            sessions.withLock { $0[id] = session }
            extraHeaders.append(("mcp-session-id", id))
        } else if let sessionID {
            guard let known = sessions.withLock({ $0[sessionID] }) else {
                return HTTPReply.refuse(channel, .notFound, "Not Found: no such MCP session; initialize a new one.", keepAlive: keepAlive)
            }
            session = known
            // Within a session the client names the revision it negotiated (2025-06-18 on).
            if let version, !MCPDispatcher.revisions.contains(version) {
                let message = "Bad Request: unsupported MCP-Protocol-Version '\(version.prefix(40))'; this server speaks "
                    + MCPDispatcher.revisions.joined(separator: ", ")
                return HTTPReply.send(channel, status: .badRequest, contentType: "application/json",
                                      body: JSONRPC.error(id: .null, .invalidRequest, message), keepAlive: keepAlive)
            }
        } else {
            // This server issues session ids, so every request but
            // initialize must carry one (the spec: 400). A client probing
            // server/discover first reads this as "fall back to initialize".
            return HTTPReply.send(channel, status: .badRequest, contentType: "application/json",
                                  body: JSONRPC.error(id: Self.requestID(incoming), .invalidRequest, Self.noSessionText), keepAlive: keepAlive)
        }
        switch incoming {
        case .notification, .response:
            _ = dispatcher.handle(incoming, session: session, output: HTTPOutput(channel: channel, keepAlive: keepAlive))
            HTTPReply.send(channel, status: .accepted, keepAlive: keepAlive)
        case .invalid(let id, let code, let message):
            HTTPReply.send(channel, status: .badRequest, contentType: "application/json", body: JSONRPC.error(id: id, code, message), keepAlive: keepAlive)
        case .request:
            // A call may block for as long as its tool runs: never on the event loop.
            if let call = dispatcher.handle(incoming, session: session, output: HTTPOutput(channel: channel, keepAlive: keepAlive, extraHeaders: extraHeaders)) {
                CallThread.start(call)
            }
        }
    }
}
