#!/usr/bin/env python3
"""Agent benchmarks (issue 13, item 7), against bench/mock_agent.c: a
model doing an N-step tool task (N-1 turns each asking for one call of
`calculate`, then the final text), answering at once.

  overhead     the host's overhead per agent step — (wall time of the runs −
               time inside the tool function − the mock's own handling time,
               from its GET /_stats) / model turns — for Kai
               (`KaiBench agent-steps`: KaiRuntime.run with the bundled
               `assistant` agent, openai provider and dev.kai.utils
               calculate), simonw's `llm` (model.chain with a Python tool)
               and the OpenAI Agents SDK (Runner.run with a function_tool),
               each in its own warm process, rounds interleaved.
               Goal: Kai at least 20x less overhead than each.
  concurrency  Kai's host CPU time per step (getrusage RUSAGE_SELF, user +
               sys; the mock is another process) with 50 runs at once in one
               process against one run at a time. Goal: grows less than 5%.

    python3 bench/agent_bench.py --bin <release bin dir> [--write]

The peers run in the venv `make bench-agent-deps` creates
($KAI_CACHE_DIR/bench-agents-venv: llm 0.36, openai-agents 0.24.0).
Prints one JSON object; --write adds a dated section to bench/RESULTS.md.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get("KAI_CACHE_DIR") or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kai")
PEERS_PYTHON = os.path.join(CACHE, "bench-agents-venv/bin/python")
C_FLAGS = ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror"]

STEPS = 10            # model turns per run: 9 tool calls, then the answer
OVERHEAD_GOAL = 20.0  # peers' overhead / Kai's, at least
GROWTH_GOAL = 5.0     # % growth of CPU per step from 1 to 50 runs at once, below
CONCURRENT = 50
# Kai's bundled assistant always streams its provider calls; the peers are
# asked to stream too, so all three do the same exchange.
PEER_MODE = "stream"


class Skipped(Exception):
    """A part that cannot run here; the reason goes into the report."""


class MockAgent:
    """bench/mock_agent.c on a free loopback port; /_stats on a kept-alive connection."""

    def __init__(self, tmp, steps):
        binary = os.path.join(tmp, "mock_agent")
        result = subprocess.run(["cc", *C_FLAGS, "-o", binary, "bench/mock_agent.c"], cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"building bench/mock_agent.c failed: {result.stderr.strip()[-600:]}")
        self.process = subprocess.Popen([binary, str(steps)], stdout=subprocess.PIPE, text=True)
        self.port = int(self.process.stdout.readline())
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port)

    def stats(self):
        self.connection.request("GET", "/_stats")
        return json.loads(self.connection.getresponse().read())

    def cpu_ns(self):
        """The server's own CPU time so far (utime + stime from /proc)."""
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1_000_000_000 // os.sysconf("SC_CLK_TCK")

    def close(self):
        self.connection.close()
        self.process.kill()
        self.process.wait()


class Subject:
    """A warm process answering 'run C K' with one JSON line (see agent_peers.py)."""

    def __init__(self, name, cmd, env=None):
        self.name = name
        self.process = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        self.info = json.loads(self._line("start-up"))

    def _line(self, what):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name} (`{' '.join(self.process.args[:3])} …`) ended (exit {self.process.wait()}) during {what}")
        return line

    def batch(self, server, concurrency, runs):
        before = server.stats()
        self.process.stdin.write(f"run {concurrency} {runs}\n")
        self.process.stdin.flush()
        row = json.loads(self._line(f"'run {concurrency} {runs}'"))
        after = server.stats()
        row["server_ns"] = after["handling_ns"] - before["handling_ns"]
        row["server_requests"] = after["requests"] - before["requests"]
        row["streamed"] = after["streamed"] - before["streamed"]
        if row["server_requests"] != row["steps"]:
            raise RuntimeError(f"{self.name}: {row['steps']} model turns but the mock answered {row['server_requests']} requests")
        return row

    def close(self):
        try:
            self.process.stdin.close()
        except OSError:
            pass
        self.process.wait()


def kai_subject(bin_dir, base_url, steps):
    missing = [n for n in ("KaiBench", "libKaiPluginOpenAI.so", "libKaiPluginUtils.so", "libKaiPluginAgents.so")
               if not os.path.exists(os.path.join(bin_dir, n))]
    if missing:
        raise Skipped(f"not built in {bin_dir}: {', '.join(missing)}")
    return Subject("kai", [os.path.join(bin_dir, "KaiBench"), "agent-steps", bin_dir, base_url, str(steps)])


def peer_subject(name, base_url, steps):
    if not os.path.exists(PEERS_PYTHON):
        raise Skipped(f"{PEERS_PYTHON} is missing (make bench-agent-deps)")
    return Subject(name, [PEERS_PYTHON, "bench/agent_peers.py", name, base_url, str(steps), PEER_MODE])


def per_step(row):
    """Overhead per step (ns) and CPU per step (ns) of one batch."""
    return ((row["wall_ns"] - row["tool_ns"] - row["server_ns"]) / row["steps"], row["cpu_ns"] / row["steps"])


def measure_overhead(subjects, server, rounds, runs):
    rows = {name: [] for name in subjects}
    for subject in subjects.values():  # warm-up: connections, caches, lazy schemas, the JIT-less Python's imports
        subject.batch(server, 1, 2)
    names = list(subjects)
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            rows[name].append(subjects[name].batch(server, 1, runs[name]))
    result = {}
    for name, batches in rows.items():
        overheads, cpus = zip(*(per_step(row) for row in batches))
        result[name] = {"overhead_ns": statistics.median(overheads), "overhead_min_ns": min(overheads),
                        "cpu_per_step_ns": statistics.median(cpus),
                        "wall_per_step_ns": statistics.median(row["wall_ns"] / row["steps"] for row in batches),
                        "server_per_step_ns": statistics.median(row["server_ns"] / row["steps"] for row in batches),
                        "tool_per_step_ns": statistics.median(row["tool_ns"] / row["steps"] for row in batches),
                        "steps": sum(row["steps"] for row in batches), "batches": len(batches),
                        "streamed_requests": sum(row["streamed"] for row in batches),
                        "version": subjects[name].info.get("version")}
        if name == "kai":
            result[name]["tool_call_ns"] = subjects[name].info["tool_call_ns"]
            result[name]["tool_finished_ms_per_step"] = statistics.median(row["tool_finished_ms"] / row["steps"] for row in batches)
    if "kai" in result:
        for name in result:
            if name != "kai":
                ratio = result[name]["overhead_ns"] / result["kai"]["overhead_ns"]
                result[name]["ratio_to_kai"] = ratio
                result[name]["cpu_ratio_to_kai"] = result[name]["cpu_per_step_ns"] / result["kai"]["cpu_per_step_ns"]
                result[name]["pass"] = ratio >= OVERHEAD_GOAL
    return result


def measure_concurrency(kai, server, rounds, single_runs, per_thread_runs):
    """Alternating batches: one run at a time vs CONCURRENT at once."""
    rows = {"one": [], "fifty": []}
    kai.batch(server, CONCURRENT, 1)  # warm-up: CONCURRENT connections and threads' first use
    for r in range(rounds):
        for which in (("one", "fifty") if r % 2 == 0 else ("fifty", "one")):
            server_cpu = server.cpu_ns()
            row = kai.batch(server, 1, single_runs) if which == "one" else kai.batch(server, CONCURRENT, per_thread_runs)
            row["server_cpu_ns"] = server.cpu_ns() - server_cpu
            rows[which].append(row)
    result = {"concurrent": CONCURRENT}
    for which, batches in rows.items():
        result[which] = {"cpu_per_step_ns": statistics.median(row["cpu_ns"] / row["steps"] for row in batches),
                         "cpu_per_step_all_ns": sorted(row["cpu_ns"] / row["steps"] for row in batches),
                         "wall_per_step_ns": statistics.median(row["wall_ns"] / row["steps"] for row in batches),
                         "server_cpu_per_step_ns": statistics.median(row["server_cpu_ns"] / row["steps"] for row in batches),
                         "steps_per_batch": batches[0]["steps"], "batches": len(batches)}
    growth = (result["fifty"]["cpu_per_step_ns"] / result["one"]["cpu_per_step_ns"] - 1) * 100
    # Each round's own pair (the two batches run back to back): how much the
    # figure moves with the machine's load, beside the medians' growth.
    pairs = sorted((f["cpu_ns"] / f["steps"]) / (o["cpu_ns"] / o["steps"]) * 100 - 100 for o, f in zip(rows["one"], rows["fifty"]))
    result.update(growth_percent=growth, pass_=growth < GROWTH_GOAL, round_growth_percent=pairs)
    return result


def measure(bin_dir, steps=STEPS, rounds=10, concurrency_rounds=10):
    results = {"steps": steps}
    with tempfile.TemporaryDirectory(prefix="kai-agent-bench-") as tmp:
        server = MockAgent(tmp, steps)
        subjects = {}
        try:
            for name, start in (("kai", lambda: kai_subject(bin_dir, server.base_url, steps)),
                                ("llm", lambda: peer_subject("llm", server.base_url, steps)),
                                ("agents", lambda: peer_subject("agents", server.base_url, steps))):
                try:
                    subjects[name] = start()
                except Skipped as reason:
                    results.setdefault("skipped", {})[name] = str(reason)
            # Runs per batch: each batch a few hundred ms on this machine.
            runs = {"kai": 20, "llm": 1, "agents": 4}
            print("measuring agent-step overhead (Kai, llm, OpenAI Agents SDK)…", file=sys.stderr)
            try:
                results["overhead"] = measure_overhead(subjects, server, rounds, runs)
                if "kai" in subjects:
                    print(f"measuring Kai's CPU per step, 1 run vs {CONCURRENT} at once…", file=sys.stderr)
                    # Both batch kinds a few thousand steps, so a batch is long
                    # beside a scheduler tick and the 50 threads' start and end.
                    results["concurrency"] = measure_concurrency(subjects["kai"], server, concurrency_rounds, 100, 4)
            except (RuntimeError, ValueError, KeyError) as error:  # a subject failed mid-run: reported, not fatal
                results["failed"] = str(error)
        finally:
            for subject in subjects.values():
                subject.close()
            server.close()
    return results


def us(ns):
    return f"{ns / 1000:,.1f} µs"


def mode(row):
    """How the host asked, as the mock saw it."""
    if row["streamed_requests"] == 0:
        return "non-streaming"
    return "streaming" if row["streamed_requests"] == row["steps"] else f"{row['streamed_requests']} of {row['steps']} streamed"


def markdown(r):
    o = r.get("overhead", {})
    names = {"kai": "Kai (`KaiRuntime.run`, agent `assistant`, bundled openai + dev.kai.utils `calculate`)",
             "llm": f"llm {o.get('llm', {}).get('version', '')} (`conversation.chain(tools=[calculate], stream=True)`)",
             "agents": f"OpenAI Agents SDK {o.get('agents', {}).get('version', '')} (`Runner.run_streamed`, `function_tool`, `OpenAIChatCompletionsModel`)"}
    lines = [f"### Agent-step overhead: Kai vs llm vs the OpenAI Agents SDK ({r['steps']}-step runs, same mock)", "",
             "| host | requests | overhead per step | min | wall per step | CPU per step | peer / Kai (overhead) | peer / Kai (CPU) | goal | result |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name in ("kai", "llm", "agents"):
        if name not in o:
            lines.append(f"| {names[name]} | not measured: {r.get('skipped', {}).get(name, '?')} | | | | | | | | |")
            continue
        row = o[name]
        ratio = f"**{row['ratio_to_kai']:.1f}×**" if "ratio_to_kai" in row else "—"
        cpu_ratio = f"{row['cpu_ratio_to_kai']:.1f}×" if "cpu_ratio_to_kai" in row else "—"
        goal, verdict = ("Kai ≥ 20× less", "PASS" if row["pass"] else "FAIL") if "pass" in row else ("—", "—")
        lines.append(f"| {names[name]} | {mode(row)} | {us(row['overhead_ns'])} | {us(row['overhead_min_ns'])} | {us(row['wall_per_step_ns'])} "
                     f"| {us(row['cpu_per_step_ns'])} | {ratio} | {cpu_ratio} | {goal} | {verdict} |")
    c = r.get("concurrency")
    if c:
        lines += ["", f"### Kai: {c['concurrent']} concurrent agent runs in one process vs 1", "",
                  "| runs at once | host CPU per step (user + sys) | every batch's CPU per step | wall per step | steps per batch | batches |",
                  "|---|---|---|---|---|---|"]
        for which, label in (("one", "1"), ("fifty", str(c["concurrent"]))):
            row = c[which]
            every = ", ".join(f"{ns / 1000:,.0f}" for ns in row["cpu_per_step_all_ns"])
            lines.append(f"| {label} | {us(row['cpu_per_step_ns'])} | {every} µs | {us(row['wall_per_step_ns'])} "
                         f"| {row['steps_per_batch']} | {row['batches']} |")
        spread = c.get("round_growth_percent") or []
        within = (f" Each round's own pair of batches: {', '.join(f'{g:+.1f}' for g in spread)}%." if spread else "")
        lines += ["", f"Growth of CPU per step from 1 to {c['concurrent']} runs at once: **{c['growth_percent']:+.1f}%** "
                  f"(goal < {GROWTH_GOAL:.0f}%) — **{'PASS' if c['pass_'] else 'FAIL'}**.{within} Batches alternate (1 run at a time: "
                  f"{c['one']['steps_per_batch'] // r['steps']} runs one after another; {c['concurrent']} at once: "
                  f"{c['concurrent']} threads × {c['fifty']['steps_per_batch'] // r['steps'] // c['concurrent']} runs) in the "
                  "same warm process; CPU is the process's getrusage(RUSAGE_SELF) user + sys over the batch (the mock is "
                  "another process), per model turn; medians over the batches."]
    if "failed" in r:
        lines += ["", f"**Not measured: {r['failed']}**"]
    lines += ["", "Method: bench/mock_agent.c (C, poll(), keep-alive) plays the model: while the request holds fewer than "
              f"{r['steps'] - 1} tool results it asks for one call of the request's first tool with "
              "`{\"expression\": \"1 + K\"}` (K = 1, 2, …: distinct calls, as the assistant refuses a third identical one), then answers \"The answer is 3.\"; it times its own handling of each request "
              "(readiness to end of write) and reports the sum at GET /_stats. Overhead per step = (wall time of a batch of runs − "
              "time inside the tool − the mock's handling time over the batch) / model turns; median over interleaved batches "
              "(rounds rotate the order), after a warm-up batch each. Each host runs in its own warm process (no start-up in "
              "the figures); the requests column says whether it asked for streams (the mock counts them). Kai: `KaiBench agent-steps` opens a KaiRuntime (temporary HOME and "
              "registry; plugins: openai at the mock, dev.kai.utils, dev.kai.agents) and calls `KaiRuntime.run` with "
              "agent `assistant`, `--tool calculate`; its tool time is its tool calls × the median of `calculate` called alone on a bare "
              "`PluginHost` (the plugin's work plus argument and result validation: a little generous to Kai); sessions and the call log are recorded "
              "in SQLite as in normal use. llm: `Chat(api_base=mock)`, `conversation(tools=[calculate]).chain(..., "
              "stream=True)`, each response's chunks consumed, no logging to its database (the Python API does not log). Agents SDK: `Runner.run_streamed`, its events consumed; tracing disabled "
              "(its exporter would send spans to OpenAI). Peers' tool time: `perf_counter_ns` inside the function. CPU "
              "per step: getrusage(RUSAGE_SELF) user + sys of the host's process over the batch, divided by its model turns.",
              ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the bin directory with KaiBench and the bundled plugins")
    parser.add_argument("--write", action="store_true", help="add a dated section to bench/RESULTS.md")
    args = parser.parse_args()
    import run
    host = run.machine()
    results = measure(os.path.abspath(args.bin))
    print(json.dumps(results, indent=1))
    if args.write:
        date = subprocess.run(["date", "-u", "+%F %H:%M UTC"], capture_output=True, text=True).stdout.strip()
        section = "\n".join([f"## {date} — agents", "",
                             f"Command: `make bench-agents` (`python3 bench/agent_bench.py --bin {os.path.relpath(args.bin, ROOT)} --write`)  ",
                             f"Machine: {host}", "", markdown(results), ""])
        print(f"written to {run.write_results(section)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
