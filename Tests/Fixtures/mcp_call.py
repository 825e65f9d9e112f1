"""Calls one tool through an MCP stdio server with the official Python SDK's
default Client, and prints what came back (the demo of `kai mcp serve`).

    python mcp_call.py TOOL 'JSON ARGS' -- COMMAND [ARGS...]
"""

import json
import os
import sys

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters


async def main(tool, arguments, command):
    server = StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ))
    async with Client(server) as client:
        info = client.server_info
        print(f"connected to {info.name} {info.version} (MCP {client.protocol_version})")
        tools = (await client.list_tools()).tools
        print(f"{len(tools)} tools: {', '.join(t.name for t in tools)}")
        result = await client.call_tool(tool, arguments)
        print(f"{tool}({json.dumps(arguments)}) -> isError={result.is_error}")
        for block in result.content:
            print(f"  text: {block.text}")
        if result.structured_content is not None:
            print(f"  structuredContent: {json.dumps(result.structured_content)}")


if __name__ == "__main__":
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        raise SystemExit(__doc__)
    anyio.run(main, sys.argv[1], json.loads(sys.argv[2]), sys.argv[4:])
