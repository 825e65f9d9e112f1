import Foundation
import NIOHTTP1

/// The checks every request to the MCP endpoint passes before its body is
/// read as JSON-RPC: the path, the Origin (the spec's guard against DNS
/// rebinding: a browser page of another site must not reach a local
/// server) and the bearer token. Messages never include the token.
struct HTTPRequestCheck: Sendable {
    static let path = "/mcp"
    /// Origins a local client may send: the server listens on 127.0.0.1 only.
    static let localHosts: Set<String> = ["localhost", "127.0.0.1", "[::1]", "::1"]

    let token: [UInt8]

    enum Refusal: Equatable {
        case notFound, forbiddenOrigin(String), unauthorized
    }

    func refusal(_ head: HTTPRequestHead) -> Refusal? {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard path == Self.path else { return .notFound }
        if let origin = head.headers.first(name: "origin"), !Self.isLocal(origin) { return .forbiddenOrigin(origin) }
        guard let authorization = head.headers.first(name: "authorization"), let presented = Self.bearerToken(authorization),
              Self.constantTimeEqual(presented, token) else {
            return .unauthorized
        }
        return nil
    }

    /// The token of an `Authorization: Bearer TOKEN` header; the scheme's
    /// name is case-insensitive (RFC 7235).
    static func bearerToken(_ authorization: String) -> [UInt8]? {
        let bytes = Array(authorization.utf8)
        guard bytes.count >= 7, String(decoding: bytes[..<7], as: UTF8.self).lowercased() == "bearer " else { return nil }
        return Array(bytes[7...])
    }

    /// An Origin whose host is this machine's loopback name (any port).
    static func isLocal(_ origin: String) -> Bool {
        guard let components = URLComponents(string: origin), let scheme = components.scheme,
              ["http", "https"].contains(scheme.lowercased()), let host = components.host else { return false }
        return localHosts.contains(host.lowercased())
    }

    /// Compares `presented` with `expected` without an early exit, in time
    /// that depends only on the presented token's length, so timing reveals
    /// neither how much of a guess was right nor the real token's length.
    /// Lengths are compared whole (no truncation: 10 and 266 differ).
    static func constantTimeEqual(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt = presented.count == expected.count ? 0 : 1
        for index in 0..<presented.count {
            let other = expected.isEmpty ? 0 : expected[index % expected.count]
            difference |= UInt(presented[index] ^ other)
        }
        return difference == 0
    }

    static func message(_ refusal: Refusal) -> String {
        switch refusal {
        case .notFound:
            "Not Found: the MCP endpoint is \(path)."
        case .forbiddenOrigin(let origin):
            "Forbidden: Origin '\(origin.prefix(200))' is not this machine; kai mcp serve answers only local origins (localhost, 127.0.0.1)."
        case .unauthorized:
            "Unauthorized: send the token of the secret named by --token-secret as 'Authorization: Bearer TOKEN'."
        }
    }
}
