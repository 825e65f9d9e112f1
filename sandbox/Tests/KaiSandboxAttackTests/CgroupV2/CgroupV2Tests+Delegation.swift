import Foundation
import KaiTestSupport
import Testing

extension CgroupV2Tests {
    /// Where nothing (or not everything) is delegated, the report says what
    /// is missing and how to get it, and --require-isolation names it.
    @Suite struct Delegation {
        static let asNobody = "setpriv --reuid=65534 --regid=65534 --clear-groups --"

        /// The launcher as nobody in a base owned by root: no cgroup of its
        /// own can be made, the base is left as it was.
        @Test(.requiresRoot) func unprivilegedLauncher_inABaseItDoesNotOwn_namesTheMissingDelegation() throws {
            let outcome = try CgroupV2Tests.run(#"""
                \#(Self.asNobody) "$KAI_SANDBOX" -- /bin/true > "$OUT/run.json" 2> "$OUT/run.err"; echo "run.exit=$?"
                \#(Self.asNobody) "$KAI_SANDBOX" --require-isolation -- /bin/true > "$OUT/closed.json" 2> "$OUT/closed.err"
                echo "closed.exit=$?"
                echo "T.procs.has_shell=$(grep -qx "$$" "$T/cgroup.procs" && echo yes || echo no)"
                echo "T.subtree_control=$(cat "$T/cgroup.subtree_control")"
                """#)
            outcome.expectCompleted()
            #expect(outcome.facts["run.exit"] == "0" && outcome.facts["closed.exit"] == "0", "\(outcome)")
            #expect(outcome.facts["T.procs.has_shell"] == "yes", "nothing may be moved: \(outcome)")
            #expect(outcome.facts["T.subtree_control"] == "", "nothing may be enabled: \(outcome)")
            #expect(outcome.leftovers == [], "\(outcome)")

            let run = try outcome.report("run")
            #expect(run.status == "ok", "\(run)")
            #expect(run.protections["cgroup_hugetlb"]?.boolValue == false, "\(run.raw)")
            #expect(run.warnings.contains(CgroupV2Tests.notDelegatedWarning(outcome.cgroup)), "\(run.warnings)")
            #expect(outcome.file("run.err") == "", "\(outcome)")

            let closed = try outcome.report("closed")
            #expect(closed.status == "sandbox_error", "\(closed)")
            #expect(closed.error == CgroupV2Tests.notDelegatedError(outcome.cgroup), "\(closed.raw)")
        }

        /// The parent (here the root, as the init system leaves it) does not
        /// give hugetlb: runs still get a v2 cgroup, without huge page limits,
        /// and the warning says how to enable the controller.
        @Test func controllerTheParentDoesNotGive_isReportedOff_withHowToEnableIt() throws {
            let outcome = try CgroupV2Tests.run(#"""
                echo "T.controllers=$(cat "$T/cgroup.controllers")"
                trivial run
                echo "T.subtree_control=$(cat "$T/cgroup.subtree_control")"
                echo "runs=$(runs)"
                """#, hugetlbInRoot: false)
            outcome.expectCompleted()
            #expect(outcome.facts["T.controllers"] == "", "the root must not give hugetlb here: \(outcome)")
            #expect(outcome.facts["run.exit"] == "0", "\(outcome)")
            #expect(outcome.facts["T.subtree_control"] == "", "\(outcome)")
            #expect(outcome.facts["runs"] == "", "\(outcome)")
            #expect(outcome.leftovers == [], "with nothing to enable nothing is moved into a leaf: \(outcome)")
            let run = try outcome.report("run")
            #expect(run.status == "ok", "\(run)")
            #expect(run.protections["cgroup"]?.stringValue == "v2", "\(run.raw)")
            #expect(run.protections["cgroup_kill"]?.boolValue == true, "\(run.raw)")
            #expect(run.protections["cgroup_hugetlb"]?.boolValue == false, "\(run.raw)")
            #expect(run.warnings.contains(CgroupV2Tests.hugetlbNotGivenWarning(outcome.cgroup)), "\(run.warnings)")
        }
    }

    // The launcher's exact words (sandbox/launcher/cgroup2.c), for base /sys/fs/cgroup/<cgroup>.
    static func notDelegatedWarning(_ cgroup: String) -> String { "TODO" }
    static func notDelegatedError(_ cgroup: String) -> String { "TODO" }
    static func hugetlbNotGivenWarning(_ cgroup: String) -> String { "TODO" }
}
