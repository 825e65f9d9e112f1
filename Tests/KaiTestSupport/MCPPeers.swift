import Foundation

/// The real MCP peers the tests use (issue 14): the official Python SDK
/// (`mcp` 2.3.0, as client and as server) and `mcp-server-time`, from the
/// venv `make mcp-deps` creates under Kai's cache.
public enum MCPPeers {
    /// $KAI_CACHE_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/kai.
    public static let cache: String = {
        let environment = ProcessInfo.processInfo.environment
        if let dir = environment["KAI_CACHE_DIR"], !dir.isEmpty { return dir }
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
        return base + "/kai"
    }()
    public static let venv = cache + "/mcp-venv"
    /// The venv's python, with `mcp` importable.
    public static let python = venv + "/bin/python"
    /// The published offline server's entry point.
    public static let timeServer = venv + "/bin/mcp-server-time"

    /// What the machine lacks for the MCP peer tests, or nil (use in
    /// `.enabled(if: MCPPeers.missing == nil, "…")` with the text).
    public static let missing: String? = {
        for path in [python, timeServer] where !FileManager.default.isExecutableFile(atPath: path) {
            return "\(path) is missing (`make mcp-deps` creates the venv with mcp and mcp-server-time)"
        }
        return nil
    }()
}
