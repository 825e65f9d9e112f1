"""A one-tool MCP stdio server with the official Python SDK (mcp 2.3.0).

The peer of the fixture plugin's `add` tool: add(a, b) -> {"sum": a + b},
returned as structured content (with an outputSchema), so both sides do the
same work. In mcp 2.x the server class is MCPServer (1.x called it FastMCP).

    python bench/mcp_server.py          # serves MCP over stdin/stdout
"""

from typing import TypedDict

from mcp.server.mcpserver import MCPServer


class AddResult(TypedDict):
    sum: float


server = MCPServer("kai-bench-add", log_level="WARNING")


@server.tool(structured_output=True)
def add(a: float, b: float) -> AddResult:
    """Add two numbers."""
    return {"sum": a + b}


if __name__ == "__main__":
    server.run("stdio")
