import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Review item 8: text that came from dataset code, a plugin or a sandboxed
/// program cannot act on the terminal through kai's other print paths.
@Suite struct RawPrintVisibilityTests {
    static let evil = #"\x1b]52;c;cHduZWQ=\x07 \x1b[2J \r X \x9b"#

    /// A problems file whose one canonical solution raises an error whose
    /// text carries OSC 52, CSI 2J, a bare \r and a raw U+009B.
    static func problems() throws -> String {
        let file = Fixtures.scratch + "/evil-problems.jsonl"
        let problem: JSONValue = [
            "task_id": "Evil/0", "prompt": "def f():\n", "entry_point": "f",
            "canonical_solution": .string("    raise ValueError('\(evil)')\n"),
            "test": "def check(candidate):\n    candidate()\n",
        ]
        try (problem.serialized() + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test(.requiresSandboxCgroups) func evalCheckProblems_whenASolutionsErrorCarriesEscapes_showsThemVisible() throws {
        let outcome = try KaiRawRun.run(["eval", try Self.problems(), "--check-problems"])
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(outcome.stdoutText.hasSuffix(#"failed: Evil/0: failed: \x1b]52;c;cHduZWQ=\x07 \x1b[2J \x0d X \x9b [ok]"# + "\n"),
                "\(outcome.stdoutText)")
        #expect(!outcome.stdout.contains(0x1b) && !outcome.stdout.contains(0x0d) && !outcome.stdout.contains(0xc2))
    }

    @Test(.requiresSandboxCgroups) func evalCheckProblemsJSON_whenASolutionsErrorCarriesC1_escapesIt() throws {
        let outcome = try KaiRawRun.run(["eval", try Self.problems(), "--check-problems", "--json"])
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(outcome.stdoutText.contains(#""result": "failed: \u001B]52;c;cHduZWQ=\u0007 \u001B[2J \r X \u009b""#),
                "\(outcome.stdoutText)")
        #expect(!outcome.stdout.contains(0xc2))
    }

    @Test func toolsCallNoPretty_whenTheResultHasARawCarriageReturn_printsASpace() throws {
        let arguments = JSONValue.object(["json": .string("{\r\"a\":\"b\"}")]).serialized()
        let outcome = try KaiRawRun.run(["tools", "call", "test.secrets.echo_json", "--args", arguments, "--no-pretty",
                                         "--plugin-path", try SecretPassingTests.plugin(), "--no-bundled-plugins"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdoutText == #"{ "a":"b"}"# + "\n")
    }

    @Test func sandboxRunJSON_whenTheProgramWritesDELAndC1_escapesThem() throws {
        let outcome = try KaiRawRun.run(["sandbox", "run", "--json", "--", "/usr/bin/printf", #"a\177b\302\233c"#])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try JSONParser.parse(outcome.stdout)["stdout"] == .string("a\u{7f}b\u{9b}c"))
        #expect(outcome.stdoutText.contains(#""stdout": "a\u007fb\u009bc""#), "\(outcome.stdoutText)")
        #expect(!outcome.stdout.contains(0x7f))
    }
}
