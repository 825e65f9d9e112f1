#!/usr/bin/env python3
"""Native functions as tools (issue 15): libm's cbrt called through Kai's
native bridge (libffi) in-process and in a warm worker, against the same
function wrapped by hand as an ABI plugin tool (bench/cbrt_plugin.c) in-process
and in a worker, plus a direct call. All in one `KaiBench native` process, so
the ratios are side by side.

Prints one JSON object; --write also adds a dated section to bench/RESULTS.md.

    python3 bench/native_bench.py --bin .build/release [--calls 100000] [--write]
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_plugin(directory):
    output = os.path.join(directory, "libcbrt_plugin.so")
    subprocess.run(["cc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-fvisibility=hidden",
                    "-I", os.path.join(ROOT, "plugin-sdk", "include"), "-o", output,
                    os.path.join(ROOT, "bench", "cbrt_plugin.c"), "-lm"], check=True)
    return output


def measure(bin_dir, calls):
    with tempfile.TemporaryDirectory() as directory:
        plugin = build_plugin(directory)
        result = subprocess.run([os.path.join(bin_dir, "KaiBench"), "native", plugin, str(calls)],
                                capture_output=True, text=True, timeout=1800)
        if result.returncode != 0:
            raise RuntimeError(f"KaiBench native exited {result.returncode}: {result.stderr.strip()[-600:]}")
        return json.loads(result.stdout)


def us(ns):
    return f"{ns / 1000:,.2f} µs"


def markdown(r, command):
    rows = [
        ("native tool, in-process (bridge + libffi)", "native_inprocess"),
        ("native tool, in a worker (isolation: process, the default)", "native_process"),
        ("ABI plugin tool, in-process (bench/cbrt_plugin.c)", "plugin_inprocess"),
        ("ABI plugin tool, in a worker", "plugin_process"),
    ]
    load = os.getloadavg()[0]
    lines = [
        f"## {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC — native functions as tools",
        "",
        f"Command: `{command}`  ",
        f"Machine: {os.cpu_count()} cores (nproc {os.cpu_count()}); load average at start {load:.2f}",
        "",
        "### `cbrt {x: 27}`: libm's cbrt as a native tool vs the same function as an ABI plugin tool",
        "",
        "| path | median (batched) | median (per call) | p99 (per call) |",
        "|---|---|---|---|",
    ]
    for label, key in rows:
        m = r[key]
        lines.append(f"| {label} | {us(m['batched']['median_ns'])} | {us(m['per_call']['median_ns'])} | {us(m['per_call']['p99_ns'])} |")
    d = r["direct"]["per_call"]
    lines.append(f"| direct Swift call of cbrt (context) | — | {us(d['median_ns'])} | {us(d['p99_ns'])} |")
    ratio = lambda a, b: r[a]["batched"]["median_ns"] / r[b]["batched"]["median_ns"]
    lines += [
        "",
        f"Ratios (batched medians): native / ABI plugin in-process **{ratio('native_inprocess', 'plugin_inprocess'):.2f}×**, "
        f"in a worker **{ratio('native_process', 'plugin_process'):.2f}×**; a worker costs the native tool "
        f"{ratio('native_process', 'native_inprocess'):.1f}× its in-process call.",
        "",
        f"Method: `KaiBench native`, one process: {r['calls']:,} calls per path through `host.callTool` (name resolution, "
        "schema validation, output checks: the same path for both), after 20,000 warm-up calls; batched median from "
        "batches of 100 calls between two `clock_gettime` reads, per-call median and p99 from a `clock_gettime` pair "
        "around each call (~20 ns timer cost). Workers are warm (started by the warm-up). The plugin declares the same "
        "input and output schemas Kai generates for the native tool, so the difference is the bridge: argument decoding, "
        "ffi_call, and the result written as the shortest decimal that reads back exactly (3.0000000000000004 needs "
        "three tries; the plugin prints %.17g once). The machine is shared, so ratios are the figure to trust.",
        "",
    ]
    return "\n".join(lines)


def write_results(section):
    path = os.path.join(ROOT, "bench", "RESULTS.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    at = text.find("\n## ")
    text = text + "\n" + section if at < 0 else text[:at + 1] + section + "\n" + text[at + 1:]
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="the bin directory with KaiBench, kai-plugin-worker and libKaiNativeBridge.so")
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--write", action="store_true", help="add a dated section to bench/RESULTS.md")
    args = parser.parse_args()
    results = measure(os.path.abspath(args.bin), args.calls)
    print(json.dumps(results, indent=2))
    command = f"make bench-native (python3 bench/native_bench.py --bin {args.bin} --write)"
    section = markdown(results, command)
    print(section, file=sys.stderr)
    if args.write:
        write_results(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
