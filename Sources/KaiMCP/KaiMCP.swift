/// KaiMCP: the Model Context Protocol on top of the runtime, both ways.
///
/// - `Server/`: `kai mcp serve` — the runtime's enabled tools served to any
///   MCP client over stdio or Streamable HTTP, with the same validation,
///   deadlines, approvals, call log and scores as `kai tools call`.
/// - `Client/`: MCP servers from the operator config imported as Kai tools
///   (a backend behind KaiCore's call path, like a plugin or a worker).
///
/// Both sides speak JSON-RPC themselves over KaiJSON rather than through the
/// MCP swift-sdk (0.12.1), which falls short on Linux for a host whose call
/// path is synchronous: its stdio transport polls with 10 ms sleeps, its
/// Server decodes each message up to three times and hops actors per
/// request, its async Client starves the concurrency pool when Kai waits on
/// it, and its HTTP client hands an SSE body over as one undecodable
/// message. The server's Streamable HTTP endpoint runs on SwiftNIO; the
/// client streams SSE events as they arrive (see Client/MCPSession).
public enum KaiMCP {}
