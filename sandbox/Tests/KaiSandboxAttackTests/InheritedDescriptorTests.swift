import Foundation
import KaiTestSupport
import Testing

/// Issue 9, item 1: the launcher itself closes whatever its caller left
/// open (here a shell's `exec 7</ 8<>FILE 9<>/dev/null`), so a caller other
/// than Kai's own client cannot leak descriptors into the program either.
/// The end-to-end tests through kai are SandboxInheritedDescriptorTests and
/// EvalInheritedDescriptorTests.
@Suite(.requiresNamespaces) struct InheritedDescriptorTests {
    @Test func descriptorsTheCallerLeftOpen_areClosedByTheLauncher() throws {
        let file = Sandbox.scratch + "/inherited-\(UUID().uuidString.prefix(8))"
        try Data("host file".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let shell = ["/bin/sh", "-c", "exec 7</ 8<>\"$0\" 9<>/dev/null; exec \"$@\"", file]
        let run = try Sandbox.run("list_fds.py", prefix: shell)
        run.expectExited(0)
        let fds = run.report.stdout.split(separator: "\n").compactMap { $0.split(separator: "=").dropFirst().first }
        #expect(fds == ["0", "1", "2"], "\(run.report)")
        run.expectHostUnaffected()
    }
}
