import Foundation
import KaiTestSupport
import Testing

extension CgroupV2Tests {
    /// How a run's cgroup goes away: killed whole (cgroup.kill), removed
    /// once empty (cgroup.events), and swept by the next launcher when the
    /// one that made it died.
    @Suite struct Teardown {
        /// A program whose children ignore SIGTERM, one of them in a session
        /// of its own, all marked by a unique sleep length.
        @Test func timeLimit_killsTheWholeTreeThroughCgroupKill_andLeavesNoCgroup() throws {
            let mark = "4242.\(UInt32.random(in: 100_000...999_999))"
            let outcome = try CgroupV2Tests.run(#"""
                M=\#(mark)
                marked() { pgrep -cfx "sleep $M"; }
                trivial first   # delegation done before the polling below forks (see the Delegation suite)
                KAI_SANDBOX_TRACE=1 "$KAI_SANDBOX" --time-limit-ms 2000 -- /bin/sh -c "
                    trap '' TERM HUP INT
                    (exec sleep $M) &
                    setsid sh -c 'exec sleep $M' &
                    exec sleep $M" > "$OUT/run.json" 2> "$OUT/run.err" &
                L=$!
                # All three are running before the limit (a hang guard, far above the time they take).
                await '[ "$(marked)" -ge 3 ] || ! kill -0 "$L" 2>/dev/null'
                echo "marked.during=$(marked)"
                wait "$L"; echo "launcher.exit=$?"
                echo "marked.after=$(marked)"
                echo "runs=$(runs)"
                """#)
            outcome.expectCompleted()
            let facts = outcome.facts
            #expect(facts["marked.during"] == "3", "\(outcome)")
            #expect(facts["launcher.exit"] == "0", "\(outcome)")
            #expect(facts["marked.after"] == "0", "processes outlived the run: \(outcome)")
            #expect(facts["runs"] == "", "\(outcome)")
            #expect(outcome.leftovers == ["kai-host"], "\(outcome)")
            let report = try outcome.report("run")
            #expect(report.status == "wall_time_limit", "\(report)")
            #expect(report.signal == 9, "\(report)")
            // The supervisor killed the tree through cgroup.kill, then saw it empty in cgroup.events.
            let steps = CgroupV2Tests.traceSteps(outcome.file("run.err") ?? "", role: "sup")
            let kill = steps.firstIndex(of: "cgroup.kill written"), empty = steps.firstIndex(of: "cgroup empty (cgroup.events)")
            #expect(kill != nil && empty != nil && kill! < empty!, "\(steps)")
            #expect(!(outcome.file("run.err") ?? "").contains("kai-sandbox: warning"), "\(outcome)")
        }

        /// Teardown waits for "populated 0" in cgroup.events before rmdir,
        /// so no run ever warns that its cgroup could not be removed: quick
        /// runs, and runs whose tree is killed at the limit.
        @Test func manyRuns_eachRemoveTheirCgroup_withoutAWarning() throws {
            let outcome = try CgroupV2Tests.run(#"""
                i=0
                while [ "$i" -lt 20 ]; do
                    "$KAI_SANDBOX" -- /bin/true > /dev/null 2>> "$OUT/all.err" || echo "failed.quick.$i=$?"
                    [ -z "$(runs)" ] || echo "left.quick.$i=$(runs)"
                    i=$((i + 1))
                done
                i=0
                while [ "$i" -lt 5 ]; do
                    "$KAI_SANDBOX" --time-limit-ms 200 -- /bin/sh -c 'sleep 100 & sleep 100 & exec sleep 100' \
                        > "$OUT/killed.json" 2>> "$OUT/all.err" || echo "failed.killed.$i=$?"
                    [ -z "$(runs)" ] || echo "left.killed.$i=$(runs)"
                    i=$((i + 1))
                done
                KAI_SANDBOX_TRACE=1 "$KAI_SANDBOX" -- /bin/true > /dev/null 2> "$OUT/traced.err"
                echo done=yes
                """#)
            outcome.expectCompleted()
            #expect(outcome.facts["done"] == "yes", "\(outcome)")
            #expect(!outcome.stdout.contains("failed.") && !outcome.stdout.contains("left."), "\(outcome)")
            let stderr = outcome.file("all.err") ?? ""
            #expect(!stderr.contains("cannot remove cgroup"), "\(stderr)")
            #expect(stderr.isEmpty, "the launcher said something: \(stderr)")
            #expect(try outcome.report("killed").status == "wall_time_limit")
            // A run whose init exited: its pid namespace took the tree, so no cgroup.kill; the rmdir
            // waits on cgroup.events only if a process is still on its way out (EBUSY).
            let steps = CgroupV2Tests.traceSteps(outcome.file("traced.err") ?? "", role: "sup")
            #expect(!steps.contains("cgroup.kill written") && steps.contains("cgroups removed"), "\(steps)")
            #expect(outcome.leftovers == ["kai-host"], "\(outcome)")
        }

        /// The same, seen from the system calls: after cgroup.kill the
        /// supervisor reads cgroup.events, and its one rmdir of the run's
        /// cgroup succeeds — it never meets a cgroup still populated (EBUSY)
        /// and retries, as a teardown that guessed would.
        @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"), "needs /usr/bin/strace"))
        func killedRuns_removeTheirCgroupOnce_afterCgroupEventsSaysEmpty() throws {
            let outcome = try CgroupV2Tests.run(#"""
                trivial first
                i=0
                while [ "$i" -lt 10 ]; do
                    strace -qq -e trace=rmdir,openat -o "$OUT/killed.$i.strace" \
                        "$KAI_SANDBOX" --time-limit-ms 100 -- /bin/sh -c 'sleep 100 & sleep 100 & exec sleep 100' > "$OUT/killed.json"
                    i=$((i + 1))
                done
                cat "$OUT"/killed.*.strace | grep -E 'rmdir\("[^"]*/kai-[0-9]|/kai-[0-9][^"/]*/cgroup\.(events|kill)"' \
                    | sed -E 's/^[0-9]+ +//; s/kai-[0-9-]+/RUN/; s/, O_[A-Z_|]+//; s/ = [0-9]+$/ = ok/' > "$OUT/calls"
                echo done=yes
                """#)
            outcome.expectCompleted()
            #expect(outcome.facts["done"] == "yes", "\(outcome)")
            let calls = (outcome.file("calls") ?? "").split(separator: "\n").map(String.init)
            let base = "/sys/fs/cgroup/\(outcome.cgroup)/RUN"
            let oneRun = ["openat(AT_FDCWD, \"\(base)/cgroup.kill\") = ok", "openat(AT_FDCWD, \"\(base)/cgroup.events\") = ok",
                          "rmdir(\"\(base)\") = ok"]
            #expect(calls == Array(repeating: oneRun, count: 10).flatMap { $0 }, "\(calls.joined(separator: "\n"))")
        }

        /// A run cgroup whose launcher is gone (a process started and reaped
        /// here, so its pid and start time name nobody) is removed by the
        /// next launcher; one whose launcher is alive (this shell) stays.
        @Test func nextRun_sweepsTheCgroupOfADeadLauncher_andKeepsALiveOnes() throws {
            let outcome = try CgroupV2Tests.run(#"""
                sleep 1000 &
                dead=$!
                stale="kai-$dead-$(started "$dead")-0"
                kill "$dead"; wait "$dead"
                live="kai-$$-$(started "$$")-0"
                mkdir "$T/$stale" "$T/$live"
                echo "before=$(runs | tr '\n' ' ')"
                trivial run
                echo "stale=$([ -d "$T/$stale" ] && echo present || echo gone)"
                echo "live=$([ -d "$T/$live" ] && echo present || echo gone)"
                """#)
            outcome.expectCompleted()
            let facts = outcome.facts
            #expect(facts["before"]?.split(separator: " ").count == 2, "\(outcome)")
            #expect(facts["run.exit"] == "0", "\(outcome)")
            #expect(facts["stale"] == "gone", "\(outcome)")
            #expect(facts["live"] == "present", "\(outcome)")
            #expect(try outcome.report("run").status == "ok")
        }

        /// The same with a launcher really killed (SIGKILL) mid-run: its
        /// sandbox dies with it, its run cgroup stays behind, empty, and the
        /// next launcher in the base removes it.
        @Test func launcherKilledMidRun_leavesItsCgroup_andTheNextRunSweepsIt() throws {
            let outcome = try CgroupV2Tests.run(#"""
                trivial first   # delegation done before the polling below forks
                mkfifo "$OUT/in"
                exec 3<>"$OUT/in"
                "$KAI_SANDBOX" --stdin "$OUT/in" --time-limit-ms 60000 -- /bin/sh -c 'read line' > /dev/null 2>&1 &
                L=$!
                await '[ "$(cat "$T"/kai-"$L"-*/cgroup.procs 2>/dev/null | wc -l)" -ge 2 ]'
                R=$(runs)
                kill -KILL "$L"; wait "$L"
                await 'grep -qx "populated 0" "$T/$R/cgroup.events"'
                echo "killed=$R"
                echo "left.before=$(runs)"
                trivial next
                echo "left.after=$(runs)"
                """#)
            outcome.expectCompleted()
            let facts = outcome.facts
            let killed = try #require(facts["killed"], "\(outcome)")
            #expect(killed.hasPrefix("kai-") && facts["left.before"] == killed, "the killed launcher's cgroup stays behind: \(outcome)")
            #expect(facts["next.exit"] == "0", "\(outcome)")
            #expect(facts["left.after"] == "", "the next run must sweep it: \(outcome)")
        }
    }

    /// The steps of one role in a KAI_SANDBOX_TRACE=1 trace, in order
    /// ("kai-trace <role> <pid> <ms> ms <step>", util.c).
    static func traceSteps(_ trace: String, role: String) -> [String] {
        trace.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard words.count > 5, words[0] == "kai-trace", words[1] == role, words[4] == "ms",
                  let ms = line.range(of: " ms ") else { return nil }
            return String(line[ms.upperBound...])
        }
    }
}
