/// KaiMCP: the Model Context Protocol on top of the runtime, both ways.
///
/// - `Server/`: `kai mcp serve` — the runtime's enabled tools served to any
///   MCP client over stdio or Streamable HTTP, with the same validation,
///   deadlines, approvals, call log and scores as `kai tools call`.
/// - `Client/`: MCP servers from the operator config imported as Kai tools
///   (a backend behind KaiCore's call path, like a plugin or a worker).
///
/// The server side is built on the MCP swift-sdk (modelcontextprotocol/
/// swift-sdk); the client side speaks the protocol itself, synchronously,
/// over its own stdio and streaming HTTP channels (see Client/MCPSession).
public enum KaiMCP {}
