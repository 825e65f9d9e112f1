import ArgumentParser

/// `kai mcp`: the Model Context Protocol — Kai's tools served to MCP clients.
struct McpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve Kai's tools to MCP clients.",
        subcommands: [McpServe.self]
    )
}
