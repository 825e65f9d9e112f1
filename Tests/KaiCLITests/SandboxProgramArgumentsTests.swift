import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Issue 9, item 7e: a program's arguments are handled in linear time —
/// 20,000 of them used to take minutes in kai's argument parsing (4,000:
/// 11 s) — and every one arrives exactly, options and `--` included.
@Suite(.requiresNamespaces) struct SandboxProgramArgumentsTests {
    @Test func twentyThousandArguments_allArriveInOrder() throws {
        let special = ["--help", "-x", "--", "two words", "", "ünïcode", "--json", "sandbox"]
        let arguments = (0..<20_000).map { index in index % 1000 < special.count ? special[index % 1000] : "arg\(index)" }
        // Joined with the unit separator (never in the arguments); the
        // output cap is raised to hold them all.
        let script = "import sys; sys.stdout.write('\\x1f'.join(sys.argv[1:]))"
        let outcome = try KaiProcess.run(["sandbox", "run", "--json", "--output-limit", "4096", "--",
                                          "/usr/bin/python3", "-I", "-S", "-c", script] + arguments, deadline: 120)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let report = try JSONParser.parse(outcome.stdout)
        let received = (report["stdout"]?.stringValue ?? "").split(separator: "\u{1f}", omittingEmptySubsequences: false).map(String.init)
        #expect(received.count == 20_000)
        #expect(received == arguments, "first difference at \(String(describing: received.indices.first { $0 < arguments.count && received[$0] != arguments[$0] }))")
    }

    @Test func programArgumentsLookingLikeOptions_reachTheProgramUnchanged() throws {
        let outcome = try KaiProcess.run(["sandbox", "run", "--json", "--", "/bin/echo", "--time-limit", "x", "--", "--json"], deadline: 60)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try JSONParser.parse(outcome.stdout)["stdout"] == "--time-limit x -- --json\n")
    }
}
