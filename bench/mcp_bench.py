#!/usr/bin/env python3
"""`kai mcp serve` against the official Python SDK's server (issue 14, item 5):
the same `tools/call` round trip over stdio, both driven by the same minimal
JSON-RPC client (this file: newline-delimited JSON on pipes, no SDK).

  Kai      `kai mcp serve` with the fixture plugin's `add` (C, Tests/Fixtures/
           fixture_plugin.c: {"sum": a + b}, with an outputSchema), in-process
           (`isolation: inprocess` in the config) and in a worker (`process`,
           what a long-running host picks for a plugin not bundled with Kai)
  Python   bench/mcp_server.py: MCPServer (mcp 2.3.0, formerly FastMCP) with
           the same add(a, b) -> {"sum"} as structured output

Each server is started once and initialized; then rounds alternate between
them, each round WARMUP untimed then CALLS timed sequential calls of
add(a=1, b=2), perf_counter_ns around writing the request and reading the
response line. Goal: Kai's median and p99 at least 10x lower.

    python3 bench/mcp_bench.py --bin .build/release [--write]

Prints one JSON object; --write adds a dated section to bench/RESULTS.md.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
CACHE = os.environ.get("KAI_CACHE_DIR") or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kai")
VENV_PYTHON = os.path.join(CACHE, "mcp-venv", "bin", "python")
GOAL = 10.0
ROUNDS, CALLS, WARMUP = 6, 1000, 100
CC_FLAGS = ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-fvisibility=hidden", "-I", "plugin-sdk/include"]


class Peer:
    """One MCP server on pipes, spoken to with plain newline-delimited JSON-RPC."""

    def __init__(self, name, argv, env=None):
        self.name = name
        started = time.perf_counter_ns()
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        bufsize=0, env=env, cwd=ROOT)
        self.out, self.inp = self.process.stdin.fileno(), self.process.stdout.fileno()
        self.pending = b""
        self.next_id = 0
        reply = self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                            "clientInfo": {"name": "mcp_bench", "version": "1"}})
        self.version = reply["result"]["protocolVersion"]
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        self.start_ns = time.perf_counter_ns() - started
        first = self.request("tools/call", {"name": "add", "arguments": {"a": 1, "b": 2}})
        if first.get("result", {}).get("structuredContent") != {"sum": 3}:
            raise SystemExit(f"mcp_bench: {name} answered add with {first!r}; stderr: {self.stderr()}")
        self.call = json.dumps({"jsonrpc": "2.0", "id": 0, "method": "tools/call",
                                "params": {"name": "add", "arguments": {"a": 1, "b": 2}}}).encode() + b"\n"

    def send(self, message):
        os.write(self.out, json.dumps(message).encode() + b"\n")

    def line(self):
        while b"\n" not in self.pending:
            chunk = os.read(self.inp, 65536)
            if not chunk:
                raise SystemExit(f"mcp_bench: {self.name} closed its stdout; stderr: {self.stderr()}")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return json.loads(self.line())

    def timed_calls(self, count):
        """`count` round trips of the same request (its id reused: one in flight at a time)."""
        samples = []
        for _ in range(count):
            t = time.perf_counter_ns()
            os.write(self.out, self.call)
            self.line()
            samples.append(time.perf_counter_ns() - t)
        return samples

    def stderr(self):
        self.process.kill()
        return self.process.stderr.read().decode(errors="replace")[-800:]

    def close(self):
        self.process.stdin.close()
        status = self.process.wait(timeout=60)
        if status != 0:
            raise SystemExit(f"mcp_bench: {self.name} exited {status}: {self.process.stderr.read().decode(errors='replace')[-800:]}")


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, -(-len(ordered) * p // 100) - 1))]


def kai_config(tmp, plugin, isolation):
    path = os.path.join(tmp, f"kai-{isolation}.yaml")
    with open(path, "w") as f:
        f.write(f"database: {tmp}/registry-{isolation}.sqlite\nplugins:\n  - path: {plugin}\n    isolation: {isolation}\n"
                "approvals:\n  tools:\n    add: { mcp: allow }\n")
    return path


def measure(bin_dir, rounds=ROUNDS, calls=CALLS):
    if not os.access(VENV_PYTHON, os.X_OK):
        raise SystemExit(f"mcp_bench: {VENV_PYTHON} is missing; `make mcp-deps` creates it")
    with tempfile.TemporaryDirectory() as tmp:
        plugin = os.path.join(tmp, "libfixture.so")
        subprocess.run(["cc", *CC_FLAGS, "-o", plugin, "Tests/Fixtures/fixture_plugin.c", "-lpthread"], check=True, cwd=ROOT)
        env = dict(os.environ, HOME=tmp)
        env.pop("KAI_CONFIG", None)
        kai = [os.path.join(bin_dir, "kai"), "mcp", "serve", "--no-bundled-plugins", "--config"]
        peers = [Peer("kai", kai + [kai_config(tmp, plugin, "inprocess")], env),
                 Peer("kai-worker", kai + [kai_config(tmp, plugin, "process")], env),
                 Peer("python", [VENV_PYTHON, os.path.join(ROOT, "bench", "mcp_server.py")])]
        samples = {peer.name: [] for peer in peers}
        for index in range(rounds):
            for peer in peers[index % len(peers):] + peers[:index % len(peers)]:
                peer.timed_calls(WARMUP)
                samples[peer.name] += peer.timed_calls(calls)
        results = {}
        for peer in peers:
            peer.close()
            s = samples[peer.name]
            results[peer.name] = {"median_ns": int(statistics.median(s)), "p99_ns": percentile(s, 99), "min_ns": min(s),
                                  "samples": len(s), "start_and_initialize_ns": peer.start_ns, "protocol": peer.version}
    for name in ("kai", "kai-worker"):
        results[name]["ratio_median"] = results["python"]["median_ns"] / results[name]["median_ns"]
        results[name]["ratio_p99"] = results["python"]["p99_ns"] / results[name]["p99_ns"]
    results["pass"] = results["kai"]["ratio_median"] >= GOAL and results["kai"]["ratio_p99"] >= GOAL
    results["rounds"], results["calls_per_round"] = rounds, calls
    return results


def us(ns):
    return f"{ns / 1000:,.1f} µs"


def markdown(r):
    rows = [("kai", "`kai mcp serve`, fixture `add` in-process (`isolation: inprocess`)"),
            ("kai-worker", "`kai mcp serve`, fixture `add` in a worker (`isolation: process`)"),
            ("python", "Python SDK mcp 2.3.0 `MCPServer` (bench/mcp_server.py), same `add`")]
    lines = ["### MCP server: a `tools/call` round trip over stdio, Kai vs the Python SDK's server", "",
             "| server | median | p99 | min | Python / Kai (median) | Python / Kai (p99) | start + initialize |",
             "|---|---|---|---|---|---|---|"]
    for name, label in rows:
        x = r[name]
        ratios = f"**{x['ratio_median']:.1f}×** | **{x['ratio_p99']:.1f}×**" if "ratio_median" in x else "— | —"
        lines.append(f"| {label} | {us(x['median_ns'])} | {us(x['p99_ns'])} | {us(x['min_ns'])} | {ratios} "
                     f"| {x['start_and_initialize_ns'] / 1e6:,.0f} ms |")
    lines += ["", f"Goal: Kai (in-process) at least {GOAL:.0f}× faster per round trip, median and p99 — "
              f"**{'PASS' if r['pass'] else 'FAIL'}**.", "",
              f"Method: one client for every server (bench/mcp_bench.py: newline-delimited JSON-RPC on pipes, no SDK): "
              f"initialize, then {r['rounds']} rounds rotating the servers, each {WARMUP} untimed and {r['calls_per_round']:,} "
              "timed sequential `tools/call` add(a=1, b=2), perf_counter_ns around writing the request and reading the "
              "response line. Kai validates the arguments and the result against the tool's schemas, applies the approval "
              "policy and records every call in the registry (SQLite), as `kai tools call` does.", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the bin directory with kai")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--calls", type=int, default=CALLS, help="timed calls per server per round")
    parser.add_argument("--write", action="store_true", help="add a dated section to bench/RESULTS.md")
    args = parser.parse_args()
    import run
    results = measure(os.path.abspath(args.bin), args.rounds, args.calls)
    print(json.dumps(results, indent=1))
    print(markdown(results), file=sys.stderr)
    if args.write:
        date = subprocess.run(["date", "-u", "+%F %H:%M UTC"], capture_output=True, text=True).stdout.strip()
        section = "\n".join([f"## {date} — MCP server", "",
                             f"Command: `make bench-mcp` (`python3 bench/mcp_bench.py --bin {os.path.relpath(args.bin, ROOT)} --write`)  ",
                             f"Machine: {run.machine()}", "", markdown(results), ""])
        print(f"written to {run.write_results(section)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
