import Foundation
import KaiJSON
import KaiSandbox
import Testing

struct LanguageTableTests {
    @Test func defaultJSON_parsesIntoPythonShellAndC() throws {
        let table = LanguageTable.builtIn
        #expect(table.language(forFile: "x.py")?.run.command == ["/usr/bin/python3", "-I", "-B", "{source}"])
        #expect(table.language(forFile: "x.sh")?.run.command == ["/bin/sh", "{source}"])
        let c = try #require(table.language(forFile: "dir/main.c"))
        #expect(c.compile.first?.command == ["/usr/bin/cc", "-O1", "-std=c11", "-o", "{exe}", "{source}", "-lm"])
        #expect(c.compile.first?.limits.timeLimitMs == 30000)
        #expect(c.run.command == ["{exe}"])
        #expect(table.language(forFile: "README") == nil)
    }

    @Test(arguments: [
        (#"{}"#, "language table: languages: expected an object mapping file extensions to languages"),
        (#"{"languages": {"py": {}}}"#, "language table: languages.py.run: missing the run step"),
        (#"{"languages": {"py": {"run": [1]}}}"#, "language table: languages.py.run[0]: expected a string"),
        (#"{"languages": {"c": {"run": ["{exe}"], "compile": [{"command": ["cc"], "memory_mb": -1}]}}}"#,
         "language table: languages.c.compile[0].memory_mb: expected a positive whole number"),
    ])
    func init_whenTableIsMalformed_namesThePath(json: String, message: String) throws {
        #expect(throws: LanguageTableError.self) { try LanguageTable(json: try JSONParser.parse(json)) }
        do {
            _ = try LanguageTable(json: try JSONParser.parse(json))
        } catch let error as LanguageTableError {
            #expect(error.description == message)
        }
    }

    @Test func runSource_cProgram_compilesInOneSandboxAndRunsInAnother() throws {
        let directory = NSTemporaryDirectory() + "kai-sandbox-test-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = directory + "/hello.c"
        let program = """
            #include <math.h>
            #include <stdio.h>
            int main(void) { printf("%.1f\\n", sqrt(2.25)); return 3; }

            """
        try program.write(toFile: source, atomically: true, encoding: .utf8)
        let result = try Sandbox().runSource(source)
        #expect(result.compile.count == 1)
        #expect(result.compile.first?.status == .ok)
        let run = try #require(result.run)
        #expect(run.stdout == "1.5\n")
        #expect(run.exitCode == 3)
        #expect(run.status == .exitedNonzero)
    }

    @Test func runSource_pythonFile_runsWithTheTablesCommand() throws {
        let directory = NSTemporaryDirectory() + "kai-sandbox-test-py-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "import sys\nprint(sys.argv[0], sys.flags.isolated)\n".write(toFile: directory + "/t.py", atomically: true, encoding: .utf8)
        let result = try Sandbox().runSource(directory + "/t.py")
        #expect(result.compile.isEmpty)
        #expect(result.run?.stdout == "/work/t.py 1\n")
    }

    @Test func runSource_unknownExtension_namesTheKnownOnes() {
        #expect(throws: SandboxError.unsupportedSource(path: "x.rb", known: ["c", "py", "sh"])) {
            try Sandbox().runSource("x.rb")
        }
    }
}
