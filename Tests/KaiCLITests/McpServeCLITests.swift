import Foundation
import KaiTestSupport
import Testing

/// `kai mcp serve`'s usage errors (exit 64) and a token secret that is not set (78).
@Suite struct McpServeCLITests {
    static let usageErrors: [([String], String)] = [
        (["--http", "8080"], "Error: --http needs --token-secret NAME: the secret holding the bearer token clients must send.\n"),
        (["--token-secret", "KAI_TOKEN"], "Error: --token-secret applies only with --http PORT; over stdio the client that starts kai is trusted.\n"),
        (["--http", "70000", "--token-secret", "KAI_TOKEN"], "Error: --http must be a port from 0 to 65535, got '70000'.\n"),
        (["--http", "0", "--token-secret", "s3cret value"],
         "Error: --token-secret must name a secret (an environment variable name matching ^[A-Z_][A-Z0-9_]*$), not hold one.\n"),
        (["--timeout", "0"], "Error: --timeout must be a positive number of seconds, got '0.0'.\n"),
    ]

    @Test(arguments: usageErrors)
    func mcpServe_withBadOptions_exits64SayingWhatToFix(arguments: [String], message: String) throws {
        let outcome = try KaiProcess.run(["mcp", "serve", "--no-bundled-plugins"] + arguments)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix(message), "\(outcome.stderr)")
    }

    @Test func mcpServe_whenTheTokenSecretIsNotSet_exits78NamingTheFixes() throws {
        let outcome = try KaiProcess.run(["mcp", "serve", "--no-bundled-plugins", "--http", "0", "--token-secret", "KAI_MCP_UNSET_TOKEN"])
        #expect(outcome.status == 78)
        #expect(outcome.stderr == "kai: error: --token-secret KAI_MCP_UNSET_TOKEN: the secret is not set. Set the environment variable "
            + "KAI_MCP_UNSET_TOKEN, or store it with 'kai keys set KAI_MCP_UNSET_TOKEN'.\n")
    }
}
