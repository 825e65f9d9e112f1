"""Times MCP `tools/call` round trips over stdio with the SDK's own client.

Starts bench/mcp_server.py with stdio_client, runs initialize, warms up, then
times N calls of add(a=1, b=2) one after another, each with perf_counter_ns
around `await session.call_tool(...)`. Prints one JSON object.

    python bench/mcp_client.py N
"""

import json
import os
import statistics
import sys
import time

import anyio
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

WARMUP = 200


def percentile(samples: list[int], p: float) -> int:
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, -(-len(ordered) * p // 100) - 1))
    return ordered[int(rank)]


async def main(count: int) -> None:
    server_script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mcp_server.py")
    params = StdioServerParameters(command=sys.executable, args=[server_script])
    started = time.perf_counter_ns()
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            ready = time.perf_counter_ns() - started
            first = await session.call_tool("add", {"a": 1, "b": 2})
            if first.is_error or first.structured_content != {"sum": 3.0}:
                raise SystemExit(f"mcp_client: unexpected add result {first!r}")
            for _ in range(WARMUP):
                await session.call_tool("add", {"a": 1, "b": 2})
            samples = []
            for _ in range(count):
                t = time.perf_counter_ns()
                await session.call_tool("add", {"a": 1, "b": 2})
                samples.append(time.perf_counter_ns() - t)
    print(json.dumps({
        "sdk": "mcp " + __import__("importlib.metadata").metadata.version("mcp"),
        "start_and_initialize_ns": ready,
        "result": first.structured_content,
        "calls": count,
        "median_ns": int(statistics.median(samples)),
        "p99_ns": percentile(samples, 99),
        "min_ns": min(samples),
    }))


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        raise SystemExit("usage: mcp_client.py N")
    anyio.run(main, int(sys.argv[1]))
