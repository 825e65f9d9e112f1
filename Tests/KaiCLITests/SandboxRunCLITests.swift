import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai sandbox run` end to end: the real binary and launcher.
@Suite(.requiresNamespaces) struct SandboxRunCLITests {
    /// A program writing OSC 52 (clipboard), CSI 2J (clear), \r and a raw
    /// 0x9b byte, then the C1 CSI as a UTF-8 code point, on stdout and stderr.
    static let hostile = ["--", "/usr/bin/python3", "-c", """
        import sys
        evil = b"A\\x1b]52;c;cHduZWQ=\\x07B\\x1b[2JC\\rD\\x9b31mE\\xc2\\x9bF\\n"
        sys.stdout.buffer.write(evil); sys.stdout.flush(); sys.stderr.buffer.write(evil)
        """]

    /// The report after its two verdict lines.
    /// The program's output as kai shows it: from "stdout:" on (the summary
    /// lines above it vary with the machine, e.g. "protections OFF: ..."
    /// where the sandbox gets no cgroups).
    static func output(_ run: KaiRawRun) -> String {
        run.stdoutText.range(of: "stdout:\n").map { String(run.stdoutText[$0.lowerBound...]) } ?? ""
    }

    @Test func output_showsControlCharactersAsHex() throws {
        let run = try KaiRawRun.run(["sandbox", "run"] + Self.hostile)
        #expect(run.status == 0, "\(run.stderr)")
        let shown = #"A\x1b]52;c;cHduZWQ=\x07B\x1b[2JC\x0dD\x9b31mE\x9bF"#
        #expect(Self.output(run) == "stdout:\n\(shown)\n\nstderr:\n\(shown)\n\n")
        #expect(!run.stdout.contains(0x1b) && !run.stdout.contains(0x9b) && !run.stdout.contains(0x0d))
    }

    @Test func raw_printsTheProgramsBytesAsTheyAre() throws {
        let run = try KaiRawRun.run(["sandbox", "run", "--raw"] + Self.hostile)
        #expect(run.status == 0, "\(run.stderr)")
        let evil: [UInt8] = Array("A\u{1b}]52;c;cHduZWQ=\u{07}B\u{1b}[2JC\rD".utf8) + [0x9b] + Array("31mE".utf8) + [0xc2, 0x9b] + Array("F\n".utf8)
        let expected = Array("stdout:\n".utf8) + evil + Array("\nstderr:\n".utf8) + evil + Array("\n".utf8)
        #expect(Array(run.stdout.suffix(expected.count)) == expected)
    }

    @Test func json_isValidJSONWithTheExactOutputAndNoRawControls() throws {
        let run = try KaiRawRun.run(["sandbox", "run", "--json"] + Self.hostile)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains(0x1b) && !run.stdout.contains(0x9b) && !run.stdout.contains(0x0d))
        let report = try JSONParser.parse(run.stdout)
        // Not valid UTF-8 (the raw 0x9b): the exact bytes are in stdout_base64.
        let base64 = try #require(report["stdout_base64"]?.stringValue)
        #expect(Data(base64Encoded: base64) == Data("A\u{1b}]52;c;cHduZWQ=\u{07}B\u{1b}[2JC\rD".utf8 + [0x9b] + "31mE".utf8 + [0xc2, 0x9b] + "F\n".utf8))
    }

    @Test func json_c1InValidUTF8Output_isAnEscapeInTheJSON() throws {
        let run = try KaiRawRun.run(["sandbox", "run", "--json", "--", "/bin/echo", "x\u{9b}2J"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains(0x9b))
        #expect(run.stdoutText.contains(#""stdout": "x\u009b2J\n""#))
        #expect(try JSONParser.parse(run.stdout)["stdout"] == "x\u{9b}2J\n")
    }

    @Test func help_printsTheHelp() throws {
        let outcome = try KaiProcess.run(["sandbox", "run", "--help"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("OVERVIEW: Run a command, or a source file through the config's language table,"))
        #expect(outcome.stdout.contains("--time-limit <seconds>"))
        #expect(outcome.stdout.contains("--raw"))
    }

    @Test func argumentsAfterTheTerminator_goToTheProgramEvenIfTheyLookLikeOptions() throws {
        let outcome = try KaiProcess.run(["sandbox", "run", "--", "/bin/echo", "--help", "--json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasSuffix("stdout:\n--help --json\n\n"))
    }

    static let outOfRange: [([String], String)] = [
        (["--time-limit", "1e300"], "--time-limit must be from 0.001 to 86400 seconds, got 1e+300."),
        (["--time-limit", "-1"], "--time-limit must be from 0.001 to 86400 seconds, got -1."),
        (["--time-limit", "nan"], "--time-limit must be from 0.001 to 86400 seconds, got nan."),
        (["--time-limit", "100000"], "--time-limit must be from 0.001 to 86400 seconds, got 100000."),
        (["--time-limit", "0.0001"], "--time-limit must be from 0.001 to 86400 seconds, got 0.0001."),
        (["--cpu-limit", "inf"], "--cpu-limit must be from 0.001 to 86400 seconds, got inf."),
        (["--cpu-limit", "0"], "--cpu-limit must be from 0.001 to 86400 seconds, got 0."),
        (["--memory", "4"], "--memory must be from 8 to 1048576 MB, got 4."),
        (["--memory", "-5"], "--memory must be from 8 to 1048576 MB, got -5."),
        (["--memory", "100000000"], "--memory must be from 8 to 1048576 MB, got 100000000."),
        (["--pids", "0"], "--pids must be from 1 to 65536, got 0."),
        (["--pids", "100000"], "--pids must be from 1 to 65536, got 100000."),
        (["--cpus", "0"], "--cpus must be from 1 to 1024, got 0."),
        (["--cpus", "2000"], "--cpus must be from 1 to 1024, got 2000."),
        (["--output-limit", "0"], "--output-limit must be from 1 to 1048576 KB, got 0."),
        (["--output-limit", "2000000"], "--output-limit must be from 1 to 1048576 KB, got 2000000."),
        (["--workdir-mb", "0"], "--workdir-mb must be from 1 to 1048576 MB, got 0."),
    ]

    @Test(arguments: outOfRange) func numericOptionOutOfRange_isAUsageErrorNamingTheRange(options: [String], message: String) throws {
        let outcome = try KaiProcess.run(["sandbox", "run"] + options + ["--", "/bin/true"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix("Error: \(message)\nUsage: kai sandbox run "), "\(outcome.stderr)")
    }

    static let evalOutOfRange: [([String], String)] = [
        (["--timeout", "1e300"], "--timeout must be from 0.001 to 86400 seconds, got 1e+300."),
        (["--timeout", "-3"], "--timeout must be from 0.001 to 86400 seconds, got -3."),
        (["--memory", "-1"], "--memory must be from 16 to 1048576 MB, got -1."),
        (["--memory", "2000000"], "--memory must be from 16 to 1048576 MB, got 2000000."),
    ]

    @Test(arguments: evalOutOfRange) func evalNumericOptionOutOfRange_isAUsageErrorNamingTheRange(options: [String], message: String) throws {
        let outcome = try KaiProcess.run(["eval", "--check-problems", "problems.jsonl"] + options)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix("Error: \(message)\nUsage: kai eval "), "\(outcome.stderr)")
    }

    @Test func numericOptionsInRange_reachTheLauncher() throws {
        let run = try KaiRawRun.run(["sandbox", "run", "--json", "--time-limit", "2.5", "--cpu-limit", "0.001", "--memory", "100",
                                     "--pids", "7", "--output-limit", "9", "--cpus", "3", "--", "/bin/true"])
        let limits = try JSONParser.parse(run.stdout)["limits"]
        #expect(limits == ["time_limit_ms": 2500, "cpu_limit_ms": 1, "memory_mb": 100, "pids": 7, "output_limit_kb": 9, "cpus": 3], "\(run.stderr)")
    }

    @Test func bareCommandName_isFoundInTheSandboxsPATHNotTheHosts() throws {
        // A host PATH whose first directory has a "python3" shim the sandbox does not have.
        let shims = Fixtures.scratch + "/shims-\(getpid())"
        try FileManager.default.createDirectory(atPath: shims, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: shims + "/python3", contents: Data("#!/bin/sh\necho shim\n".utf8), attributes: [.posixPermissions: 0o755]))
        let run = try KaiRawRun.run(["sandbox", "run", "--", "python3", "-c", "import sys; print(sys.executable)"],
                                    environment: ["PATH": shims + ":/usr/bin:/bin"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.output(run) == "stdout:\n/usr/bin/python3\n\n")
    }

    static let seen = "the host's /usr, /bin, /sbin, /lib, /lib64, /etc/alternatives as they are"
    static let missingPrograms: [(String, String)] = [
        ("no-such-program-kai", """
            no program "no-such-program-kai" in the sandbox's PATH: searched /usr/local/bin, /usr/bin, /bin inside the sandbox \
            (\(seen)). Give an absolute path that exists there, or copy the program in with --files and run /work/NAME.
            """),
        // Before, the launcher's own message named --bind, an option kai does not have.
        ("/opt/no-such-program-kai", """
            no program "/opt/no-such-program-kai" inside the sandbox, which sees \(seen), and /work (filled by --files). \
            Give a path that exists there, or copy the program in with --files and run /work/NAME.
            """),
        ("/work/prog", """
            no program "/work/prog" inside the sandbox, which sees \(seen), and /work (filled by --files). \
            Give a path that exists there, or copy the program in with --files and run /work/NAME.
            """),
        ("./prog", """
            "./prog" is a relative path; give an absolute path inside the sandbox (/work/NAME for a file from --files), \
            or a bare name to find in its PATH.
            """),
    ]

    @Test(arguments: missingPrograms) func programNotInTheSandbox_isAUsageErrorSayingWhereItLooked(program: String, message: String) throws {
        let outcome = try KaiProcess.run(["sandbox", "run", "--", program, "x"])
        #expect(outcome.status == 64)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr == "kai: error: \(message)\n")
    }

    @Test func programInWork_runsWhenFilesBringsIt() throws {
        let directory = Fixtures.scratch + "/work-prog-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: directory + "/prog", contents: Data("#!/bin/sh\necho from work\n".utf8), attributes: [.posixPermissions: 0o755]))
        let outcome = try KaiProcess.run(["sandbox", "run", "--files", directory, "--", "/work/prog"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasSuffix("stdout:\nfrom work\n\n"))
    }

    @Test func filesTooBigForTheWorkDirectory_nameAnOptionKaiHas() throws {
        let directory = Fixtures.scratch + "/big-files-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: directory + "/big", contents: Data(count: 2 << 20)))
        let tooSmall = try KaiProcess.run(["sandbox", "run", "--files", directory, "--workdir-mb", "1", "--", "/bin/true"])
        #expect(tooSmall.status == 69)
        #expect(tooSmall.stdout.hasPrefix("status: sandbox_error — --files: \"big\" does not fit in the work directory; fix: raise --workdir-mb\n"),
                "\(tooSmall.stdout)")
        // ... and the option it names exists and fixes it.
        let raised = try KaiProcess.run(["sandbox", "run", "--files", directory, "--workdir-mb", "4", "--", "/usr/bin/stat", "-c", "%s", "/work/big"])
        #expect(raised.status == 0, "\(raised.stderr)")
        #expect(raised.stdout.hasSuffix("stdout:\n2097152\n\n"))
    }

    @Test func compileOutputOverTheOutputLimit_namesKaisOption() throws {
        let directory = Fixtures.scratch + "/c-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "int main(void) { return 0; }\n".write(toFile: directory + "/tiny.c", atomically: true, encoding: .utf8)
        let outcome = try KaiProcess.run(["sandbox", "run", "--output-limit", "1", directory + "/tiny.c"])
        #expect(outcome.status == 69)
        #expect(outcome.stderr == "kai: error: the compile step's output \"tiny\" could not be collected (larger than the output limit); fix: raise --output-limit (KB)\n")
    }
}
