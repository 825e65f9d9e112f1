#!/usr/bin/env python3
"""The registry on PostgreSQL beside SQLite (`make bench-registry-postgres`).

Starts a throwaway PostgreSQL server (initdb in a temporary directory, run as
the `postgres` user when root, 127.0.0.1 at a free port, password auth, the
server's default durability), then runs `KaiBench registry` twice in the same
run, on the same synthetic registry: once on a fresh SQLite file, once on a
fresh PostgreSQL database. Prints the table; --write prepends it to
bench/RESULTS.md.
"""
import argparse
import datetime
import glob
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from run import machine, us, write_results  # noqa: E402


def pg_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        sys.exit("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: install Debian's postgresql (make deps)")
    return os.path.dirname(found[-1])


class Server:
    def __init__(self):
        self.bin = pg_bin()
        self.dir = tempfile.mkdtemp(prefix="kai-pg-bench-")
        self.password = secrets.token_hex(12)
        self.run_as = []
        if os.geteuid() == 0:
            self.run_as = ["runuser", "-u", "postgres", "--"]
            owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
        with open(self.dir + "/pw", "w") as f:
            f.write(self.password + "\n")
        if self.run_as:
            os.chown(self.dir + "/pw", owner.pw_uid, owner.pw_gid)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]

    def __enter__(self):
        quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd="/")
        subprocess.run(self.run_as + [self.bin + "/initdb", "-D", self.dir + "/data", "-U", "kai", "-A", "scram-sha-256",
                                      "--pwfile=" + self.dir + "/pw", "-E", "UTF8"], **quiet)
        subprocess.run(self.run_as + [self.bin + "/pg_ctl", "-D", self.dir + "/data", "-l", self.dir + "/log", "-w", "-o",
                                      f"-k {self.dir} -h 127.0.0.1 -p {self.port}", "start"], **quiet)
        env = dict(os.environ, PGPASSWORD=self.password)
        subprocess.run([self.bin + "/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "kai", "bench"],
                       env=env, check=True)
        return self

    def __exit__(self, *_):
        subprocess.run(self.run_as + [self.bin + "/pg_ctl", "-D", self.dir + "/data", "-m", "fast", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self):
        return f"postgres://kai@127.0.0.1:{self.port}/bench"


def bench(kai_bench, capabilities, records, url=None, password=None):
    cmd = [kai_bench, "registry", str(capabilities), str(records)] + ([url] if url else [])
    env = dict(os.environ, KAI_REGISTRY_PASSWORD=password or "")
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def report(date, host, capabilities, records, sqlite, pg, command):
    def row(what, key, sub=None):
        a = sqlite[key][sub] if sub else sqlite[key]
        b = pg[key][sub] if sub else pg[key]
        return f"| {what} | {us(a)} | {us(b)} | {b / a:.1f}× |"
    return "\n".join([
        f"## {date} — registry on PostgreSQL beside SQLite",
        "",
        f"Command: `{command}`  ",
        f"Machine: {host}",
        "",
        f"### Registry store, SQLite vs PostgreSQL ({capabilities:,} capabilities, {records:,} performance records)",
        "",
        "| what | SQLite | PostgreSQL | PostgreSQL / SQLite |",
        "|---|---|---|---|",
        row("top-10 discovery, median (2,000 queries: kind, tags any/all, task type)", "discover_top10", "median_ns"),
        row("top-10 discovery, **p99**", "discover_top10", "p99_ns"),
        row(f"recording a call, amortized (`callFinished`, batched commits, {sqlite['calls']:,} calls)", "call_finished_amortized_ns"),
        row("recording a call with its own transaction (one `kai tools call`)", "call_finished_one_transaction_each_ns"),
        row("bulk import (`record`, per record)", "bulk_record_ns_per_record"),
        "",
        "Method: `KaiBench registry CAPS RECORDS [URL]` run twice in one go on the same machine: a fresh SQLite WAL "
        "file (synchronous=NORMAL), then a fresh database on a local PostgreSQL 15 server started for the run "
        "(127.0.0.1 TCP, SCRAM password, default settings: fsync and synchronous_commit on, so every commit waits "
        "for its WAL flush). Same synthetic registry (100 plugins, seeded random calls), same queries. PostgreSQL "
        "pays a client–server round trip per statement (libpq, prepared statements, text format) where SQLite is a "
        "function call; a write transaction also takes the registry's advisory lock.",
        "",
    ])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the release bin directory holding KaiBench")
    parser.add_argument("--capabilities", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--write", action="store_true", help="prepend the results to bench/RESULTS.md")
    args = parser.parse_args()
    kai_bench = os.path.join(args.bin, "KaiBench")
    with Server() as server:
        sqlite = bench(kai_bench, args.capabilities, args.records)
        pg = bench(kai_bench, args.capabilities, args.records, server.url, server.password)
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    shown = os.path.relpath(args.bin, ROOT) if os.path.abspath(args.bin).startswith(ROOT) else args.bin
    command = (f"make bench-registry-postgres (python3 bench/registry_backends_bench.py --bin {shown} "
               f"--capabilities {args.capabilities} --records {args.records} --write)")
    section = report(date, machine(), args.capabilities, args.records, sqlite, pg, command)
    print(section)
    print(json.dumps({"sqlite": sqlite, "postgres": pg}))
    if args.write:
        print("wrote", write_results(section))


if __name__ == "__main__":
    main()
