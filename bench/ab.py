#!/usr/bin/env python3
"""Two builds of Kai side by side: did a change make the sandbox slower?

    python3 bench/ab.py --before DIR --after DIR [--runs 400] [--eval-rounds 6]

DIR holds a release build (kai, kai-sandbox, libKaiSandboxFork.so), e.g.
a worktree of the commit before a change built with `swift build -c
release`. Runs alternate between the two builds (ABAB...), so load changes
on this shared machine hit both alike; the medians and their ratio are
what to read, not the absolute times. Measures:
  sandbox  `kai-sandbox -- /bin/true`, --runs each (sandbox_bench.run_once)
  eval     `kai eval` of HumanEval's 164 canonical solutions, 2 workers,
           --eval-rounds each (eval_bench's data and samples)
Prints one JSON object.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eval_bench  # noqa: E402
import sandbox_bench  # noqa: E402


def sandbox(builds, runs):
    times = {name: [] for name in builds}
    for _ in range(runs):
        for name, directory in builds.items():
            seconds, status, _ = sandbox_bench.run_once([os.path.join(directory, "kai-sandbox"), "--", "/bin/true"])
            if status != 0:
                raise SystemExit(f"{name}: kai-sandbox exited {status}")
            times[name].append(seconds * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def evaluate(builds, rounds):
    problems, work, samples = eval_bench.canonical_samples("kai-ab-")
    env = dict(os.environ, HOME=work)
    times = {name: [] for name in builds}
    for _ in range(rounds):
        for name, directory in builds.items():
            if os.path.exists(samples + "_results.jsonl"):
                os.remove(samples + "_results.jsonl")
            started = time.perf_counter()
            result = subprocess.run([os.path.join(directory, "kai"), "eval", eval_bench.DATA, samples, "--workers", "2",
                                     "--k", "1", "--json"], env=env, capture_output=True, text=True)
            times[name].append(time.perf_counter() - started)
            if result.returncode != 0 or json.loads(result.stdout)["passed"] != len(problems):
                raise SystemExit(f"{name}: kai eval failed: {result.stdout[-500:]} {result.stderr[-500:]}")
    return {name: statistics.median(values) for name, values in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--runs", type=int, default=400)
    parser.add_argument("--eval-rounds", type=int, default=6)
    args = parser.parse_args()
    builds = {"before": args.before, "after": args.after}
    start = sandbox(builds, args.runs)
    ev = evaluate(builds, args.eval_rounds) if args.eval_rounds else None
    out = {"load_average": os.getloadavg()[0],
           "sandbox_start_ms": start, "sandbox_change": start["after"] / start["before"] - 1}
    if ev:
        out.update({"eval_s": ev, "eval_change": ev["after"] / ev["before"] - 1})
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
