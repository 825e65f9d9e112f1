import Foundation
import KaiTestSupport
import Testing

extension CgroupV2Tests {
    /// PrivateCgroup2 itself: whatever a script leaves, the machine is put back.
    @Suite struct Harness {
        @Test func failingScript_leavingProcessesAndCgroups_isCleanedUp() throws {
            let host = try #require(PrivateCgroup2.hostMount)
            let rootBefore = try String(contentsOfFile: host + "/cgroup.subtree_control", encoding: .utf8)
            let outcome = try CgroupV2Tests.run(#"""
                echo "fs=$(stat -f -c %T /sys/fs/cgroup)"
                echo "root.subtree_control=$(cat /sys/fs/cgroup/cgroup.subtree_control)"
                echo "shell=$(grep "^0::" /proc/$$/cgroup)"
                mkdir "$T/a" "$T/a/b"
                sleep 1000 &   # holds the script's stdout: cleanup must not wait for it
                echo "$!" > "$T/a/b/cgroup.procs"
                echo "sleeper=$!"
                exit 3
                """#)
            #expect(outcome.status == 3, "\(outcome)")
            #expect(outcome.facts["fs"] == "cgroup2fs", "\(outcome)")
            #expect(outcome.facts["root.subtree_control"]?.split(separator: " ").contains("hugetlb") == true, "\(outcome)")
            #expect(outcome.facts["shell"] == "0::/\(outcome.cgroup)", "\(outcome)")
            #expect(outcome.leftovers == ["a", "a/b"], "\(outcome)")
            #expect(outcome.cleanupProblems.isEmpty, "\(outcome)")
            #expect(!FileManager.default.fileExists(atPath: host + "/" + outcome.cgroup), "\(outcome)")
            let sleeper = try #require(outcome.facts["sleeper"].flatMap { pid_t($0) })
            #expect(!isRunning(sleeper), "the script's background process outlived the cleanup")
            #expect(try String(contentsOfFile: host + "/cgroup.subtree_control", encoding: .utf8) == rootBefore)
        }

        @Test func rootGivingNoController_isPutBackAfterwards() throws {
            let host = try #require(PrivateCgroup2.hostMount)
            let rootBefore = try String(contentsOfFile: host + "/cgroup.subtree_control", encoding: .utf8)
            let outcome = try CgroupV2Tests.run(#"""
                echo "root.subtree_control=$(cat /sys/fs/cgroup/cgroup.subtree_control)"
                """#, hugetlbInRoot: false)
            outcome.expectCompleted()
            #expect(outcome.facts["root.subtree_control"]?.contains("hugetlb") == false, "\(outcome)")
            #expect(try String(contentsOfFile: host + "/cgroup.subtree_control", encoding: .utf8) == rootBefore)
        }
    }
}
