import Foundation
import KaiJSON
import KaiTestSupport
import Testing

extension CgroupV2Tests {
    /// The tree a run makes: a run cgroup under the base with its limits,
    /// the processes of the base moved into a leaf, the controllers enabled.
    @Suite struct Tree {
        /// While the program blocks reading a FIFO, the script looks at its
        /// cgroup from outside; then it writes the line that ends the run.
        @Test func run_makesItsCgroupUnderTheBase_withItsLimits_andRemovesIt() throws {
            let outcome = try CgroupV2Tests.run(#"""
                # A first run delegates (moves this shell into kai-host): the polling below forks, and an
                # exiting process in the base races that move (see the Delegation suite).
                trivial first
                mkfifo "$OUT/in"
                exec 3<>"$OUT/in"   # a writer that has not written yet: the program's read blocks
                "$KAI_SANDBOX" --stdin "$OUT/in" --time-limit-ms 60000 -- /bin/sh -c 'read line; echo "got=$line"' \
                    > "$OUT/run.json" 2> "$OUT/run.err" &
                L=$!
                echo "expected=kai-$L-$(started "$L")-"
                # init and the program are both in the run cgroup: its limits are written (before init forks the program).
                await '[ "$(cat "$T"/kai-"$L"-*/cgroup.procs 2>/dev/null | wc -l)" -ge 2 ]'
                R=$(runs)
                echo "during=$R"
                echo "T.subtree_control=$(cat "$T/cgroup.subtree_control")"
                for f in "$T/$R"/hugetlb.*.max; do echo "file.${f##*/}=$(cat "$f")"; done
                for f in cpu.max pids.max memory.max memory.swap.max memory.oom.group; do
                    [ -e "$T/$R/$f" ] && echo "file.$f=$(cat "$T/$R/$f")"
                done
                echo hello >&3
                exec 3>&-
                wait "$L"; echo "launcher.exit=$?"
                echo "after=$(runs)"
                """#)
            outcome.expectCompleted()
            let facts = outcome.facts
            let expected = try #require(facts["expected"], "\(outcome)")
            let during = try #require(facts["during"], "\(outcome)")
            #expect(during.hasPrefix(expected) && UInt(during.dropFirst(expected.count)) != nil,
                    "the run's cgroup is kai-<launcher pid>-<its start time>-<n> directly under the base: \(outcome)")
            #expect(facts["launcher.exit"] == "0", "\(outcome)")
            #expect(facts["after"] == "", "the run's cgroup must be gone after the run: \(outcome)")

            // hugetlb.<size>.max 0 for every huge page size, and the
            // reservation limits (.rsvd.max) too: a MAP_HUGETLB mapping
            // reserves pages at mmap time, before any fault is charged.
            let hugetlb = facts.filter { $0.key.hasPrefix("file.hugetlb.") }
            #expect(hugetlb.keys.contains { !$0.hasSuffix(".rsvd.max") } && hugetlb.keys.contains { $0.hasSuffix(".rsvd.max") },
                    "no hugetlb.<size>.max and .rsvd.max in the run's cgroup: \(outcome)")
            for (file, value) in hugetlb { #expect(value == "0", "\(file): \(outcome)") }
            // The others exist only where this machine's v2 has their controller.
            if let cpu = facts["file.cpu.max"] { #expect(cpu.split(separator: " ").count == 2, "cpu.max: \(cpu)") }
            if let pids = facts["file.pids.max"] { #expect(pids != "max", "pids.max") }
            if let swap = facts["file.memory.swap.max"] { #expect(swap == "0") }
            if let group = facts["file.memory.oom.group"] { #expect(group == "1") }

            let report = try outcome.report("run")
            #expect(report.status == "ok", "\(report)")
            #expect(report.stdout == "got=hello\n", "\(report)")
            #expect(report.protections["cgroup_hugetlb"]?.boolValue == true, "\(report.raw)")
        }

        @Test func firstRun_movesTheBasesProcessesIntoALeaf_andASecondRunReusesIt() throws {
            let outcome = try CgroupV2Tests.run(#"""
                echo "shell.before=$(grep "^0::" /proc/$$/cgroup)"
                trivial first
                echo "shell.after=$(grep "^0::" /proc/$$/cgroup)"
                echo "T.procs=$(cat "$T/cgroup.procs" | tr '\n' ' ')"
                echo "T.subtree_control=$(cat "$T/cgroup.subtree_control")"
                echo "leaf.has_shell=$(grep -qx "$$" "$T/kai-host/cgroup.procs" && echo yes || echo no)"
                trivial second
                echo "shell.second=$(grep "^0::" /proc/$$/cgroup)"
                echo "nested=$([ -e "$T/kai-host/kai-host" ] && echo yes || echo no)"
                echo "runs=$(runs)"
                """#)
            outcome.expectCompleted()
            let facts = outcome.facts
            #expect(facts["shell.before"] == "0::/\(outcome.cgroup)", "\(outcome)")
            #expect(facts["first.exit"] == "0", "\(outcome)")
            #expect(facts["shell.after"] == "0::/\(outcome.cgroup)/kai-host", "the shell lived in the base: \(outcome)")
            #expect(facts["T.procs"] == "", "the base must hold no process once it delegates: \(outcome)")
            #expect(facts["T.subtree_control"]?.split(separator: " ").contains("hugetlb") == true, "\(outcome)")
            #expect(facts["leaf.has_shell"] == "yes", "\(outcome)")
            #expect(facts["second.exit"] == "0", "\(outcome)")
            #expect(facts["shell.second"] == "0::/\(outcome.cgroup)/kai-host", "\(outcome)")
            #expect(facts["nested"] == "no", "a launcher in the leaf makes its runs beside it, not in it: \(outcome)")
            #expect(facts["runs"] == "", "\(outcome)")
            #expect(outcome.leftovers == ["kai-host"], "\(outcome)")
            for name in ["first", "second"] {
                let report = try outcome.report(name)
                #expect(report.status == "ok", "\(name): \(report)")
                #expect(report.protections["cgroup_hugetlb"]?.boolValue == true, "\(name): \(report.raw)")
            }
        }

        @Test func controllerTheBaseHas_isEnabledForRuns_andTheReportSaysSo() throws {
            let outcome = try CgroupV2Tests.run(#"""
                trivial run
                """#)
            outcome.expectCompleted()
            let report = try outcome.report("run")
            #expect(report.status == "ok", "\(report)")
            let protections = report.protections
            #expect(protections["cgroup"]?.stringValue == "v2", "\(report.raw)")
            #expect(protections["cgroup_hugetlb"]?.boolValue == true, "\(report.raw)")
            #expect(protections["cgroup_kill"]?.boolValue == true, "\(report.raw)")
            #expect(protections["cgroup_cpu"]?.boolValue == true, "cpu.stat is a core file of every v2 cgroup: \(report.raw)")
            // This machine's v2 has no memory, pids or cpu controller: the report must not claim them,
            // and says why and how to get them.
            for absent in ["cgroup_memory", "cgroup_pids", "cgroup_cpu_max", "cgroup_oom_group", "cgroup_swap"] {
                #expect(protections[absent]?.boolValue == false, "\(absent): \(report.raw)")
            }
            #expect(report.warnings == CgroupV2Tests.missingControllerWarnings(outcome.cgroup), "\(report.raw)")
        }

        /// `kai-sandbox --probe` (kai doctor) makes its cgroup as a run
        /// does: it finds the base and the controller.
        @Test func probe_findsTheBaseAndTheController() throws {
            let outcome = try CgroupV2Tests.run(#"""
                "$KAI_SANDBOX" --probe > "$OUT/probe.json" 2> "$OUT/probe.err"; echo "probe.exit=$?"
                """#)
            outcome.expectCompleted()
            #expect(outcome.facts["probe.exit"] == "0", "\(outcome)")
            let probe = try CgroupV2Tests.Probe(outcome)
            #expect(probe.json["cgroup_base"]?.stringValue == "/sys/fs/cgroup/\(outcome.cgroup)", "\(probe)")
            #expect(probe.finding("cgroup")?["ok"]?.boolValue == true, "\(probe)")
            #expect(probe.finding("cgroup_hugetlb")?["ok"]?.boolValue == true, "\(probe)")
            #expect(probe.finding("cgroup_kill")?["ok"]?.boolValue == true, "\(probe)")
            #expect(outcome.leftovers == ["kai-host"], "\(outcome)")
        }
    }
}
