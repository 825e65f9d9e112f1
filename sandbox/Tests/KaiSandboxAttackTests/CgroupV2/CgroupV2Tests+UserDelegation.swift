import Foundation
import KaiTestSupport
import Testing

extension CgroupV2Tests {
    /// A base delegated to an unprivileged user, as systemd's Delegate=yes
    /// does it (the directory and its cgroup.procs, cgroup.subtree_control
    /// and cgroup.threads chowned to the user): the user's own launcher
    /// moves the user's processes into kai-host and enables the controller.
    @Suite struct UserDelegation {
        @Test(.requiresRoot) func baseDelegatedToNobody_nobodysLauncherMovesIntoTheLeaf_andEnablesTheController() throws {
            let outcome = try CgroupV2Tests.run(#"""
                chown 65534:65534 "$T" "$T/cgroup.procs" "$T/cgroup.subtree_control" "$T/cgroup.threads"
                mkdir "$OUT/nobody"; chmod 777 "$OUT/nobody"
                mkfifo "$OUT/nobody/go"; chmod 666 "$OUT/nobody/go"
                # The user's shell, started in $T; it runs kai-sandbox when told.
                setpriv --reuid=65534 --regid=65534 --clear-groups -- /bin/sh -c '
                    read go < "$OUT/nobody/go"
                    "$KAI_SANDBOX" -- /bin/true > "$OUT/nobody/run.json" 2> "$OUT/nobody/run.err"
                    echo "$?" > "$OUT/nobody/exit"
                    grep "^0::" /proc/$$/cgroup > "$OUT/nobody/cgroup"
                    "$KAI_SANDBOX" -- /bin/true > "$OUT/nobody/second.json" 2> "$OUT/nobody/second.err"' &
                U=$!
                # Every other process (root's) leaves $T, so the base holds only the user's.
                for p in $(cat "$T/cgroup.procs"); do [ "$p" = "$U" ] || echo "$p" > /sys/fs/cgroup/cgroup.procs; done
                echo "T.procs=$(cat "$T/cgroup.procs" | tr '\n' ' ')"
                echo go > "$OUT/nobody/go"
                wait "$U"
                echo "launcher.exit=$(cat "$OUT/nobody/exit")"
                echo "user.cgroup=$(cat "$OUT/nobody/cgroup")"
                echo "T.subtree_control=$(cat "$T/cgroup.subtree_control")"
                echo "leaf.owner=$(stat -c %u "$T/kai-host")"
                echo "runs=$(runs)"
                """#)
            outcome.expectCompleted()
            let facts = outcome.facts
            #expect(facts["T.procs"]?.split(separator: " ").count == 1, "only the user's shell: \(outcome)")
            #expect(facts["launcher.exit"] == "0", "\(outcome)")
            #expect(facts["user.cgroup"] == "0::/\(outcome.cgroup)/kai-host", "\(outcome)")
            #expect(facts["T.subtree_control"] == "hugetlb", "\(outcome)")
            #expect(facts["leaf.owner"] == "65534", "\(outcome)")
            #expect(facts["runs"] == "", "\(outcome)")
            #expect(outcome.leftovers == ["kai-host"], "\(outcome)")
            for name in ["nobody/run", "nobody/second"] {
                let report = try outcome.report(name)
                #expect(report.status == "ok", "\(name): \(report)")
                #expect(report.protections["cgroup"]?.stringValue == "v2", "\(name): \(report.raw)")
                #expect(report.protections["cgroup_hugetlb"]?.boolValue == true, "\(name): \(report.raw)")
                #expect(report.protections["cgroup_kill"]?.boolValue == true, "\(name): \(report.raw)")
                #expect(!report.warnings.contains { $0.contains("delegated") }, "\(name): \(report.warnings)")
                #expect(outcome.file(name + ".err") == "", "\(name): \(outcome.file(name + ".err") ?? "")")
            }
        }
    }
}
