#!/usr/bin/env python3
"""Router benchmarks (issue 12, item 8), measured by `KaiBench router`
through a real runtime (config, registry, the bundled openai plugin) against
bench/mock_openai.c answering at once:

  decision  what the router costs a request before its first call
            (`Router.decide`: the plan with the providers' registry scores for
            a task type, or -m and its fallbacks, and the first target's
            circuit-breaker read), per request;
  calls     a direct `host.callProvider` to the mock, the same call routed
            with -m (the router on the call path), and a routed call whose
            first target refuses connections and falls back to the same mock
            (a fallback hop's added latency), interleaved.

    python3 bench/router_bench.py --bin <bin dir>

Prints one JSON object (`make bench` renders it through run.py).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import providers_bench

DECISIONS = 4000


def measure(bin_dir, decisions=DECISIONS):
    with tempfile.TemporaryDirectory() as tmp:
        server = providers_bench.MockServer(tmp)
        try:
            cmd = [os.path.join(bin_dir, "KaiBench"), "router", os.path.join(bin_dir, "libKaiPluginOpenAI.so"),
                   server.base_url, str(decisions)]
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            if result.returncode != 0:
                raise RuntimeError(f"`{' '.join(cmd)}` exited {result.returncode}: {result.stderr.strip()[-600:]}")
            return json.loads(result.stdout)
        finally:
            server.close()


def us(ns):
    return f"{ns / 1000:.1f} µs"


def markdown(r):
    hop = r["call_fallback"]["median_ns"] - r["call_direct"]["median_ns"]
    routed = r["call_routed"]["median_ns"] - r["call_direct"]["median_ns"]
    return "\n".join([
        "### Router (issue 12)",
        "",
        "`KaiBench router` through a real runtime (config, registry, bundled openai plugin) against bench/mock_openai.c.",
        "",
        "| measurement | median | p99 | samples |",
        "|---|---|---|---|",
        f"| decision, ranked by score (`--task-type coding`, no -m) | {us(r['decision_scored']['median_ns'])} | {us(r['decision_scored']['p99_ns'])} | {r['decision_scored']['samples']} |",
        f"| decision, -m with its fallbacks | {us(r['decision_explicit']['median_ns'])} | {us(r['decision_explicit']['p99_ns'])} | {r['decision_explicit']['samples']} |",
        f"| call, direct (`host.callProvider`) | {us(r['call_direct']['median_ns'])} | {us(r['call_direct']['p99_ns'])} | {r['call_direct']['samples']} |",
        f"| call, routed with -m (no hop) | {us(r['call_routed']['median_ns'])} | {us(r['call_routed']['p99_ns'])} | {r['call_routed']['samples']} |",
        f"| call, routed: connection refused → fallback to the same mock | {us(r['call_fallback']['median_ns'])} | {us(r['call_fallback']['p99_ns'])} | {r['call_fallback']['samples']} |",
        "",
        f"The router adds {us(routed)} to a call that needs no hop; a fallback hop (a refused connection, its "
        f"breaker write and call-log row, then the next target) adds {us(hop)} over a direct call.",
        "",
    ])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="the bin directory with KaiBench and the bundled plugins")
    args = parser.parse_args()
    results = measure(os.path.abspath(args.bin))
    print(json.dumps(results, indent=2))
    print(markdown(results), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
