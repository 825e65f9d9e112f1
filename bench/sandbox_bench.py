#!/usr/bin/env python3
"""Sandbox start-up overhead: Kai's launcher vs unshare vs bubblewrap.

    python3 bench/sandbox_bench.py --bin <dir holding kai-sandbox> [--runs 200]

Prints ONE JSON object. For `/bin/true` and `/usr/bin/python3 -c pass` it
times, in one run, `--runs` executions each of:
  direct   the program itself;
  kai      `kai-sandbox -- PROGRAM` (user/pid/net/mount/ipc/uts namespaces,
           read-only root, seccomp, rlimits, cgroups: the launcher's defaults);
  unshare  `unshare --user --map-root-user --pid --fork --net --mount --ipc --uts`;
  bwrap    Debian's bubblewrap with comparable flags (--unshare-all, read-only
           /usr /lib /lib64 /bin, fresh /proc /dev /tmp, --die-with-parent).
Every run is started the way a host would start it — posix_spawn with stdout
and stderr on a pipe read to EOF, then waitpid — and the four variants are
interleaved round-robin so load changes hit them alike. Each variant's
median and p95 wall time, its overhead over direct (median and p95) and the
ratios of Kai's overhead to the others' are reported, with the target:
Kai's median overhead for /bin/true at most 2.5 ms and below bubblewrap's.
"""

import argparse
import json
import os
import platform
import sys
import time

PROGRAMS = {
    "true": ["/bin/true"],
    "python": ["/usr/bin/python3", "-c", "pass"],
}
TARGET_OVERHEAD_MS = 2.5
ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def variants(bin_dir):
    bwrap = ["/usr/bin/bwrap", "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session",
             "--ro-bind", "/usr", "/usr", "--ro-bind", "/lib", "/lib", "--ro-bind", "/lib64", "/lib64",
             "--ro-bind", "/bin", "/bin", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
             "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--"]
    return {
        "direct": [],
        "kai": [os.path.join(bin_dir, "kai-sandbox"), "--"],
        "unshare": ["/usr/bin/unshare", "--user", "--map-root-user", "--pid", "--fork", "--net", "--mount",
                    "--ipc", "--uts"],
        "bwrap": bwrap,
    }


def run_once(argv):
    """Spawns argv as a host would; returns (seconds, exit status, stdout)."""
    read_end, write_end = os.pipe()
    start = time.perf_counter()
    actions = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
               (os.POSIX_SPAWN_DUP2, write_end, 1), (os.POSIX_SPAWN_DUP2, write_end, 2),
               (os.POSIX_SPAWN_CLOSE, read_end), (os.POSIX_SPAWN_CLOSE, write_end)]
    pid = os.posix_spawn(argv[0], argv, ENV, file_actions=actions)
    os.close(write_end)
    chunks = []
    while True:
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, os.waitstatus_to_exitcode(status), b"".join(chunks)


def check(name, argv):
    """One untimed run that must succeed (and, for kai, report status ok)."""
    _, code, output = run_once(argv)
    if code != 0:
        raise SystemExit(f"{name}: `{' '.join(argv)}` exited {code}: {output[-600:].decode(errors='replace')}")
    if name == "kai":
        report = json.loads(output)
        if report.get("status") != "ok":
            raise SystemExit(f"kai: report status {report.get('status')}: {report.get('error')}")
        return report.get("protections")
    return None


def percentile(samples, p):
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, -(-len(ordered) * p // 100) - 1))
    return ordered[int(rank)]


def summary(samples):
    return {"median_ms": round(percentile(samples, 50) * 1000, 3), "p95_ms": round(percentile(samples, 95) * 1000, 3),
            "min_ms": round(min(samples) * 1000, 3)}


def measure(bin_dir, runs, warmup):
    tools = variants(bin_dir)
    results, protections = {}, None
    for program, argv in PROGRAMS.items():
        commands = {name: prefix + argv for name, prefix in tools.items()}
        for name, command in commands.items():
            found = check(name, command)
            protections = protections or found
        samples = {name: [] for name in commands}
        for index in range(warmup + runs):
            for name, command in commands.items():
                elapsed, code, _ = run_once(command)
                if code != 0:
                    raise SystemExit(f"{name}: `{' '.join(command)}` exited {code} on run {index}")
                if index >= warmup:
                    samples[name].append(elapsed)
        stats = {name: summary(values) for name, values in samples.items()}
        direct = stats["direct"]
        for name in ("kai", "unshare", "bwrap"):
            stats[name]["overhead_median_ms"] = round(stats[name]["median_ms"] - direct["median_ms"], 3)
            stats[name]["overhead_p95_ms"] = round(stats[name]["p95_ms"] - direct["p95_ms"], 3)
        kai = stats["kai"]
        stats["ratios"] = {
            f"kai_over_{other}_overhead_median": round(kai["overhead_median_ms"] / stats[other]["overhead_median_ms"], 3)
            for other in ("unshare", "bwrap") if stats[other]["overhead_median_ms"] > 0
        }
        stats["ratios"].update({
            f"{name}_over_direct_median": round(stats[name]["median_ms"] / direct["median_ms"], 3)
            for name in ("kai", "unshare", "bwrap")
        })
        results[program] = stats
    return results, protections


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="directory holding kai-sandbox")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    launcher = os.path.join(args.bin, "kai-sandbox")
    if not os.access(launcher, os.X_OK):
        raise SystemExit(f"no kai-sandbox in {args.bin!r}; build it first (swift build) and pass its bin dir")
    load = os.getloadavg()[0]
    results, protections = measure(args.bin, args.runs, args.warmup)
    true_kai = results["true"]["kai"]
    target = {
        "kai_true_overhead_median_ms": true_kai["overhead_median_ms"],
        "limit_ms": TARGET_OVERHEAD_MS,
        "bwrap_true_overhead_median_ms": results["true"]["bwrap"]["overhead_median_ms"],
    }
    target["pass"] = (true_kai["overhead_median_ms"] <= TARGET_OVERHEAD_MS
                      and true_kai["overhead_median_ms"] < target["bwrap_true_overhead_median_ms"])
    print(json.dumps({
        "benchmark": "sandbox start-up overhead",
        "runs": args.runs,
        "programs": {name: " ".join(argv) for name, argv in PROGRAMS.items()},
        "commands": {name: " ".join(prefix) or "(none)" for name, prefix in variants(args.bin).items()},
        "machine": {"cpus": os.cpu_count(), "kernel": platform.release(), "load_average_at_start": round(load, 2)},
        "kai_protections": protections,
        "results": results,
        "target": target,
    }, indent=2))


if __name__ == "__main__":
    sys.exit(main())
