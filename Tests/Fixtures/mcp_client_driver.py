"""Drives `kai mcp serve` with the official MCP Python SDK's default Client.

    python mcp_client_driver.py --transport stdio|http [--token T] [--origin O] -- KAI ARGS...

Starts kai itself (stdio: through the SDK's stdio_client; http: as a child
whose stderr names the port, with `--http 0` expected among ARGS), runs
one session and prints one JSON object on stdout: what the client saw.
The SDK's own defaults are kept: `Client(...)` with mode "auto" (it probes
`server/discover`, then falls back to initialize).

Steps: connect; list tools; call `add`; call `fail` (a tool error); call
`progress` with a progress callback; call `sleep_ms` and cancel it once
kai's stderr shows the plugin started it; call `add` with bad arguments;
call an unknown tool; call `crash_segv` then `add` again; call `approve_me`
(an unannotated tool) when present.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time

import anyio
import httpx2
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError


class StderrWatch:
    """Reads kai's stderr on a thread, keeps it, and signals lines waited for."""

    def __init__(self, stream):
        self.lines = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in iter(stream.readline, ""):
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)
            self.cond.notify_all()

    def wait_for(self, text, start=0):
        with self.cond:
            while True:
                for index in range(start, len(self.lines)):
                    if self.lines[index] is None:
                        raise RuntimeError(f"kai's stderr ended before {text!r}: {''.join(l for l in self.lines if l)}")
                    if text in self.lines[index]:
                        return index
                self.cond.wait()

    def count(self):
        with self.cond:
            return len(self.lines)


def dump(result):
    return result.model_dump(by_alias=True, mode="json", exclude_none=True)


async def session(client, watch, report, tools, calls):
    report["protocolVersion"] = client.protocol_version
    report["serverName"] = client.server_info.name if client.server_info else None
    listed = await client.list_tools()
    report["tools"] = [tool.model_dump(by_alias=True, mode="json", exclude_none=True) for tool in listed.tools]
    report["add"] = dump(await client.call_tool("add", {"a": 2, "b": 3}))
    report["fail"] = dump(await client.call_tool("fail", {}))

    progress = []

    async def on_progress(done, total, message):
        progress.append({"progress": done, "total": total, "message": message})

    report["progress"] = dump(await client.call_tool("progress", {"steps": 3}, progress_callback=on_progress))
    report["progressEvents"] = progress

    report["badArguments"] = dump(await client.call_tool("add", {"a": "two", "b": 3}))
    try:
        await client.call_tool("no_such_tool", {})
        report["unknownTool"] = "no error"
    except MCPError as error:
        report["unknownTool"] = {"code": error.error.code, "message": error.error.message}
    if "crash_segv" in tools:
        report["crash"] = dump(await client.call_tool("crash_segv", {}))
        report["afterCrash"] = dump(await client.call_tool("add", {"a": 1, "b": 1}))
    for name in calls:
        report.setdefault("calls", {})[name] = dump(await client.call_tool(name, {}))

    # Last, so the cancelled call ends (and is recorded) before the server exits.
    mark = watch.count()
    async with anyio.create_task_group() as group:
        async def sleeper():
            report["sleep"] = dump(await client.call_tool("sleep_ms", {"ms": 600000}))
        group.start_soon(sleeper)
        await anyio.to_thread.run_sync(watch.wait_for, "sleep_ms started", mark)
        group.cancel_scope.cancel()
    report["cancelled"] = "sleep" not in report
    # The client gave up on its task; that the SERVER cancelled the call
    # shows in the call log while kai still runs (with a long
    # --drain-timeout, EOF or SIGTERM would not cancel it before the check).
    report["serverCancelled"] = await anyio.to_thread.run_sync(call_log_shows_cancelled_sleep, kai_argv)


kai_argv = []


def call_log_shows_cancelled_sleep(argv, guard_seconds=120):
    """Polls `kai logs --json` until sleep_ms is logged CANCELLED; False past the hang guard."""
    config = argv[argv.index("--config") + 1]
    give_up = time.monotonic() + guard_seconds
    while time.monotonic() < give_up:
        listed = subprocess.run([argv[0], "logs", "--json", "--config", config], capture_output=True, text=True)
        if listed.returncode == 0:
            rows = json.loads(listed.stdout or "[]")
            if any(row.get("tool") == "test.fixture.sleep_ms" and row.get("result") == "CANCELLED" for row in rows):
                return True
        time.sleep(0.05)
    return False


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--transport", choices=["stdio", "http"], required=True)
    parser.add_argument("--token", default=None)
    parser.add_argument("--tools", default="crash_segv", help="comma-separated optional steps: crash_segv")
    parser.add_argument("--call", action="append", default=[], help="also call this tool with {} (repeatable)")
    parser.add_argument("kai", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    argv = args.kai[1:] if args.kai and args.kai[0] == "--" else args.kai
    kai_argv[:] = argv
    tools = set(filter(None, args.tools.split(",")))
    report = {}
    if args.transport == "stdio":
        read, write = os.pipe()
        watch = StderrWatch(os.fdopen(read, "r"))
        errlog = os.fdopen(write, "w")
        params = StdioServerParameters(command=argv[0], args=argv[1:], env=dict(os.environ))
        async with Client(stdio_client(params, errlog=errlog)) as client:
            await session(client, watch, report, tools, args.call)
        errlog.close()
        report["stderr"] = "".join(line for line in watch.lines if line)
    else:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        watch = StderrWatch(process.stderr)
        line = watch.lines[watch.wait_for("serving")]
        url = line.strip().split(" at ")[-1]
        headers = {"Authorization": f"Bearer {args.token}"}
        async with httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=300)) as http:
            async with Client(streamable_http_client(url, http_client=http)) as client:
                await session(client, watch, report, tools, args.call)
        process.terminate()
        report["exitStatus"] = process.wait(timeout=60)
        report["stderr"] = "".join(line for line in watch.lines if line)
    print(json.dumps(report))


if __name__ == "__main__":
    anyio.run(main)
