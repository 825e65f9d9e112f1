import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai sandbox run` on a real pure cgroup v2 hierarchy (PrivateCgroup2):
/// kai started in a cgroup `$T` of its own, as under a systemd unit with
/// Delegate=yes. The launcher's side is proven in KaiSandboxAttackTests'
/// CgroupV2Tests; these check that it holds through the real kai binary.
@Suite(.serialized, .requiresPrivateCgroup2) struct SandboxCgroupV2CLITests {
    static func run(_ body: String, hugetlbInRoot: Bool = true) throws -> PrivateCgroup2.Outcome {
        try PrivateCgroup2.run(PrivateCgroup2.shellFunctions + body, hugetlbInRoot: hugetlbInRoot,
                               environment: ["KAI": KaiProcess.executable, "HOME": KaiProcess.home])
    }

    static func report(_ outcome: PrivateCgroup2.Outcome, _ name: String) throws -> JSONValue {
        let text = try #require(outcome.file(name), "\(outcome)")
        return try JSONParser.parse(text)
    }

    /// kai's first run: kai itself, still running (its program blocks on a
    /// FIFO), has been moved out of the base into kai-host, and the run's
    /// cgroup beside it has hugetlb forbidden.
    @Test func firstRun_movesKaiItselfIntoTheLeaf_andItsRunGetsTheController() throws {
        let outcome = try Self.run(#"""
            mkfifo "$OUT/in"
            exec 3<>"$OUT/in"
            "$KAI" sandbox run --json --stdin "$OUT/in" --time-limit 60 -- /bin/sh -c 'read line; echo "got=$line"' \
                > "$OUT/run.json" 2> "$OUT/run.err" &
            K=$!
            # Builtins only until the launcher has delegated: see PrivateCgroup2.shellFunctions.
            await_quietly 'count_run_procs; [ "$procs" -ge 2 ]'
            echo "kai.in_leaf=$(grep -qx "$K" "$T/kai-host/cgroup.procs" && echo yes || echo no)"
            echo "T.procs=$(cat "$T/cgroup.procs" | tr '\n' ' ')"
            echo "T.subtree_control=$(cat "$T/cgroup.subtree_control")"
            for f in "$T"/kai-[0-9]*/hugetlb.*.max; do echo "file.${f##*/}=$(cat "$f")"; done
            echo hello >&3
            exec 3>&-
            wait "$K"; echo "kai.exit=$?"
            echo "runs=$(runs)"
            """#)
        #expect(outcome.status == 0 && outcome.cleanupProblems.isEmpty, "\(outcome)")
        let facts = outcome.facts
        #expect(facts["kai.in_leaf"] == "yes", "\(outcome)")
        #expect(facts["T.procs"] == "", "\(outcome)")
        #expect(facts["T.subtree_control"] == "hugetlb", "\(outcome)")
        let limits = facts.filter { $0.key.hasPrefix("file.hugetlb.") }
        #expect(!limits.isEmpty && limits.values.allSatisfy { $0 == "0" }, "\(outcome)")
        #expect(facts["kai.exit"] == "0", "\(outcome)")
        #expect(facts["runs"] == "", "\(outcome)")
        #expect(outcome.leftovers == ["kai-host"], "\(outcome)")
        let report = try Self.report(outcome, "run.json")
        #expect(report["stdout"] == "got=hello\n", "\(report)")
        #expect(report["protections"]?["cgroup"] == "v2", "\(report)")
        #expect(report["protections"]?["cgroup_hugetlb"] == true, "\(report)")
        #expect(report["protections"]?["cgroup_kill"] == true, "\(report)")
    }

    /// A program whose children ignore SIGTERM, one in a session of its
    /// own: kai's time limit takes all of them, and their cgroup goes.
    @Test func timeLimit_killsTheWholeTree_andLeavesNoCgroup() throws {
        let mark = "4343.\(UInt32.random(in: 100_000...999_999))"
        let outcome = try Self.run(#"""
            M=\#(mark)
            marked() { pgrep -cfx "sleep $M"; }
            "$KAI" sandbox run --json -- /bin/true > "$OUT/first.json"   # delegation done before the polling below
            "$KAI" sandbox run --json --time-limit 2 -- /bin/sh -c "
                trap '' TERM HUP INT
                (exec sleep $M) &
                setsid sh -c 'exec sleep $M' &
                exec sleep $M" > "$OUT/run.json" 2> "$OUT/run.err" &
            K=$!
            await '[ "$(marked)" -ge 3 ] || ! kill -0 "$K" 2>/dev/null'
            echo "marked.during=$(marked)"
            wait "$K"; echo "kai.exit=$?"
            echo "marked.after=$(marked)"
            echo "runs=$(runs)"
            """#)
        #expect(outcome.status == 0 && outcome.cleanupProblems.isEmpty, "\(outcome)")
        let facts = outcome.facts
        #expect(facts["marked.during"] == "3", "\(outcome)")
        #expect(facts["kai.exit"] == "1", "a run that hit a limit: \(outcome)")
        #expect(facts["marked.after"] == "0", "processes outlived the run: \(outcome)")
        #expect(facts["runs"] == "", "\(outcome)")
        #expect(outcome.leftovers == ["kai-host"], "\(outcome)")
        let report = try Self.report(outcome, "run.json")
        #expect(report["status"] == "wall_time_limit", "\(report)")
        #expect(report["protections"]?["cgroup_kill"] == true, "\(report)")
    }

    /// kai as nobody in a base owned by root, with --require-isolation:
    /// it refuses, naming the missing delegation and the fix.
    @Test(.requiresRoot) func unprivilegedKai_requiringIsolation_namesTheMissingDelegation() throws {
        let outcome = try Self.run(#"""
            setpriv --reuid=65534 --regid=65534 --clear-groups -- env HOME=/nonexistent \
                "$KAI" sandbox run --require-isolation -- /bin/true > "$OUT/run.txt" 2> "$OUT/run.err"
            echo "kai.exit=$?"
            echo "T.subtree_control=$(cat "$T/cgroup.subtree_control")"
            """#)
        #expect(outcome.status == 0 && outcome.cleanupProblems.isEmpty, "\(outcome)")
        #expect(outcome.facts["kai.exit"] == "69", "\(outcome)\n\(outcome.file("run.txt") ?? "")\(outcome.file("run.err") ?? "")")
        #expect(outcome.facts["T.subtree_control"] == "", "\(outcome)")
        #expect(outcome.leftovers == [], "\(outcome)")
        let base = "/sys/fs/cgroup/\(outcome.cgroup)"
        let why = "\(base) is not delegated to uid 65534 (Permission denied); fix: run kai as root, or in a cgroup delegated "
            + "to this user, e.g. systemd-run --user --scope -p Delegate=yes kai ..."
        let verdict = "status: sandbox_error — isolation required but unavailable: "
            + ["cgroup_memory", "cgroup_pids", "cgroup_cpu"].map { "\($0) (\(why))" }.joined(separator: ", ")
        let text = outcome.file("run.txt") ?? ""
        #expect(text.hasPrefix(verdict + "\n"), "\(text)\n\(outcome.file("run.err") ?? "")")
    }

    /// `kai eval` on a pure v2 hierarchy whose root gives no memory or pids
    /// controller (this machine binds them to v1): by default it refuses,
    /// naming each missing controller with the v2 reason and fix; with
    /// --no-require-isolation its fork server runs the samples there, in
    /// run cgroups under kai's base, and they pass.
    @Test func eval_onV2WithoutMemoryAndPids_refusesWithTheFix_andRunsWhenAllowed() throws {
        let outcome = try Self.run(#"""
            printf '%s\n' '{"task_id": "T/0", "prompt": "def f():\n", "canonical_solution": "    return 1\n", "test": "def check(c):\n    assert c() == 1\n", "entry_point": "f"}' > "$OUT/problems.jsonl"
            "$KAI" eval "$OUT/problems.jsonl" --check-problems > "$OUT/strict.out" 2> "$OUT/strict.err"
            echo "strict.exit=$?"
            "$KAI" eval "$OUT/problems.jsonl" --check-problems --no-require-isolation > "$OUT/loose.out" 2> "$OUT/loose.err"
            echo "loose.exit=$?"
            echo "T.subtree_control=$(cat "$T/cgroup.subtree_control")"
            echo "runs=$(runs)"
            """#)
        #expect(outcome.status == 0 && outcome.cleanupProblems.isEmpty, "\(outcome)")
        let base = "/sys/fs/cgroup/\(outcome.cgroup)"
        func missing(_ name: String) -> String {
            "cgroup_\(name) (the \(name) controller is not available: neither \(base) nor its parent has it in "
                + "cgroup.controllers; fix: delegate it down from the root (as root, echo +\(name) > cgroup.subtree_control "
                + "in each ancestor), or, where a v1 hierarchy holds it, boot with cgroup v2 only "
                + "(systemd.unified_cgroup_hierarchy=1))"
        }
        #expect(outcome.facts["strict.exit"] == "69", "\(outcome)")
        #expect(outcome.file("strict.err") == "kai: error: the sandbox cannot run samples: isolation required but unavailable: "
            + missing("memory") + ", " + missing("pids") + ". Run on a machine that allows namespaces, cgroups and seccomp, "
            + "or pass --no-require-isolation to accept weaker isolation.\n", "\(outcome)")
        #expect(outcome.facts["loose.exit"] == "0", "\(outcome)\n\(outcome.file("loose.out") ?? "")\(outcome.file("loose.err") ?? "")")
        #expect(outcome.facts["T.subtree_control"] == "hugetlb", "\(outcome)")
        #expect(outcome.facts["runs"] == "", "\(outcome)")
        #expect(outcome.leftovers == ["kai-host"], "\(outcome)")
    }
}
