"""An MCP server on the official Python SDK (mcp 2.x, MCPServer — FastMCP
before 2.0) that Kai imports in its tests (issue 14), over stdio by default
or Streamable HTTP with --http (it binds 127.0.0.1 on a free port and
prints the port on its first line of stdout).

--record DIR: where the `sleep` tool writes `cancelled` when the server is
told to cancel it (notifications/cancelled), and `started` when it began.
--token T (HTTP): requests must carry `Authorization: Bearer T`.
"""

import argparse
import asyncio
import os
import socket
import sys
from typing import TypedDict

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations

parser = argparse.ArgumentParser()
parser.add_argument("--http", action="store_true")
parser.add_argument("--record")
parser.add_argument("--token")
options = parser.parse_args()

server = MCPServer("kai-import-fixture")


class Sum(TypedDict):
    sum: int


@server.tool(annotations=ToolAnnotations(readOnlyHint=True, openWorldHint=False))
def add(a: int, b: int) -> Sum:
    """Adds two integers (structured output)."""
    return {"sum": a + b}


@server.tool(annotations=ToolAnnotations(readOnlyHint=True, openWorldHint=False))
def shout(text: str) -> str:
    """Upper-cases text (text content only)."""
    return text.upper()


@server.tool(annotations=ToolAnnotations(readOnlyHint=True, openWorldHint=False))
def fail(message: str) -> str:
    """Always fails with the message."""
    raise ToolError(message)


@server.tool(annotations=ToolAnnotations(readOnlyHint=True, openWorldHint=False))
async def count(steps: int, ctx: Context) -> str:
    """Reports progress for each step."""
    for step in range(1, steps + 1):
        await ctx.report_progress(step, steps, f"step {step}")
    return f"counted {steps}"


@server.tool(annotations=ToolAnnotations(readOnlyHint=True, openWorldHint=False))
async def sleep(seconds: float) -> str:
    """Sleeps; records whether it was cancelled."""
    record("started")
    try:
        await asyncio.sleep(seconds)
    except BaseException:
        record("cancelled")
        raise
    return "slept"


@server.tool(annotations=ToolAnnotations(readOnlyHint=True, openWorldHint=False))
def crash(status: int) -> str:
    """Ends the server process at once with the status."""
    sys.stdout.flush()
    os._exit(status)


class Environment(TypedDict):
    names: list[str]
    secret: str
    fds: dict[str, str]


@server.tool(annotations=ToolAnnotations(readOnlyHint=True, openWorldHint=False))
def environment() -> Environment:
    """The server's environment variable names, its secret's value, and what its open descriptors are."""
    fds = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            fds[fd] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            pass
    return {"names": sorted(os.environ), "secret": os.environ.get("FIXTURE_SECRET", ""), "fds": fds}


@server.tool()
def unannotated(text: str) -> str:
    """A tool without annotations (MCP: maybe destructive, open-world)."""
    return text


@server.tool(annotations=ToolAnnotations(destructiveHint=True, readOnlyHint=False))
def destroy(target: str) -> str:
    """A destructive tool."""
    return f"destroyed {target}"


def record(event: str) -> None:
    if options.record:
        with open(os.path.join(options.record, event), "w") as file:
            file.write(event)


def serve_http() -> None:
    import uvicorn
    from starlette.middleware.base import BaseHTTPMiddleware
    from starlette.responses import PlainTextResponse

    app = server.streamable_http_app()
    if options.token:
        async def check(request, call_next):
            if request.headers.get("authorization") != f"Bearer {options.token}":
                return PlainTextResponse("unauthorized", status_code=401)
            return await call_next(request)
        app.add_middleware(BaseHTTPMiddleware, dispatch=check)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config(app, log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])


if options.http:
    serve_http()
else:
    server.run()
