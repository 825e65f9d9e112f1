@testable import KaiMCP
import Testing

/// The checks before any JSON-RPC on `kai mcp serve --http`: the Origin the
/// spec requires servers to validate (DNS rebinding), and the bearer token
/// (the whole refusal order is tested end to end in MCPServeHTTPTests).
@Suite struct HTTPRequestCheckTests {
    @Test(arguments: ["http://localhost", "http://localhost:6274", "https://127.0.0.1:8443", "http://[::1]:3000", "HTTP://LOCALHOST"])
    func origin_onThisMachine_isLocal(origin: String) {
        #expect(HTTPRequestCheck.isLocal(origin))
    }

    @Test(arguments: ["http://evil.example", "http://localhost.evil.example", "http://127.0.0.1.nip.io", "null", "file://localhost",
                      "http://user@evil.example", "", "localhost"])
    func origin_elsewhere_isNotLocal(origin: String) {
        #expect(!HTTPRequestCheck.isLocal(origin))
    }

    @Test func token_isComparedWhole() {
        let token = Array("t0ken".utf8)
        #expect(HTTPRequestCheck.constantTimeEqual(Array("t0ken".utf8), token))
        for guess in ["t0ke", "t0kenX", "T0ken", "", "t0ken\0"] {
            #expect(!HTTPRequestCheck.constantTimeEqual(Array(guess.utf8), token), "\(guess)")
        }
    }

    /// Lengths are compared whole: a token padded with 256 NULs (10 vs 266
    /// bytes, equal modulo 256) is not the token.
    @Test func token_ofAnotherLength_isUnequal_evenModulo256() {
        let token = Array("0123456789".utf8)
        #expect(!HTTPRequestCheck.constantTimeEqual(token + [UInt8](repeating: 0, count: 256), token))
        #expect(!HTTPRequestCheck.constantTimeEqual(token, token + [UInt8](repeating: 0, count: 256)))
        #expect(!HTTPRequestCheck.constantTimeEqual([], token))
    }

    @Test func bearerScheme_isCaseInsensitive() {
        #expect(HTTPRequestCheck.bearerToken("Bearer abc") == Array("abc".utf8))
        #expect(HTTPRequestCheck.bearerToken("bearer abc") == Array("abc".utf8))
        #expect(HTTPRequestCheck.bearerToken("BEARER abc") == Array("abc".utf8))
        #expect(HTTPRequestCheck.bearerToken("Basic abc") == nil)
        #expect(HTTPRequestCheck.bearerToken("Bearer") == nil)
    }
}
