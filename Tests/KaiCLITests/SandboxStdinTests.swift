import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `--stdin` naming one of kai's own descriptors (`--stdin <(cmd)`,
/// `/dev/stdin`): the launcher inherits nothing of kai's but 0-2 (issue 9,
/// item 1), so kai hands that one descriptor over on purpose, as the
/// program's stdin. A terminal is refused even when asked for (item 2a).
@Suite(.requiresNamespaces) struct SandboxStdinTests {
    static func report(_ outcome: KaiProcess.Outcome) throws -> JSONValue {
        try JSONParser.parse(outcome.stdout)
    }

    @Test func stdinNamingKaisOwnStdin_isReadByTheProgram() throws {
        let outcome = try KaiProcess.run(["sandbox", "run", "--json", "--stdin", "/dev/stdin", "--", "/bin/cat"], stdin: "piped\n")
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(try Self.report(outcome)["stdout"] == "piped\n")
    }

    @Test func stdinNamingAnInheritedDescriptor_isThatDescriptorOnly() throws {
        let descriptors = try InheritedDescriptors([.file])
        let outcome = try KaiProcess.run(["sandbox", "run", "--json", "--stdin", "/dev/fd/9", "--", "/bin/sh", "-c", "cat; ls /proc/self/fd"],
                                         inheriting: descriptors)
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        // The file's content on stdin; fds 0-2 and ls's own 3, no 9.
        #expect(try Self.report(outcome)["stdout"] == .string(descriptors.secret + "0\n1\n2\n3\n"))
    }

    @Test(.enabled(if: InheritedDescriptors.terminalsAvailable, "skipped: no pseudo-terminal on this machine (posix_openpt)"))
    func stdinNamingATerminal_isRefused() throws {
        let descriptors = try InheritedDescriptors([.tty])
        let outcome = try KaiProcess.run(["sandbox", "run", "--json", "--stdin", "/dev/stdin", "--", "/bin/cat"],
                                         inheriting: descriptors, terminalStdin: true)
        #expect(outcome.status == 69, "\(outcome.stdout)\(outcome.stderr)")
        let report = try Self.report(outcome)
        #expect(report["status"] == "sandbox_error")
        #expect(report["error"]?.stringValue == "--stdin \"/dev/stdin\" is a terminal; a sandboxed program may not read or control the user's terminal "
            + "(fix: give a file, a pipe or a FIFO)")
        #expect(descriptors.terminalChanges.isEmpty, "\(descriptors.terminalChanges)")
    }
}
