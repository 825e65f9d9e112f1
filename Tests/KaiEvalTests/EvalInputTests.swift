import Foundation
import KaiEval
import Testing

/// Files that cannot be read are refused with file, line and field, and
/// before anything is evaluated or written.
@Suite struct EvalInputTests {
    let directory: String = {
        let path = NSTemporaryDirectory() + "kai-eval-input-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let problem = #"{"task_id": "T/0", "prompt": "def f():\n", "canonical_solution": "    return 1\n", "test": "def check(c):\n    assert c() == 1\n", "entry_point": "f"}"#

    @Test func problems_whenALineIsNotJSON_nameFileAndLine() throws {
        let path = try write("p.jsonl", Self.problem + "\n{oops\n")
        #expect(throws: EvalInputError(file: path, line: 2, "not valid JSON: expected a string key in object at line 1, column 2")) {
            try EvalProblem.load(path)
        }
    }

    @Test func problems_whenAFieldIsMissing_nameIt() throws {
        let path = try write("p.jsonl", #"{"task_id": "T/0", "prompt": "x", "test": "y", "entry_point": "f"}"# + "\n")
        #expect(throws: EvalInputError(file: path, line: 1, "missing field \"canonical_solution\"")) { try EvalProblem.load(path) }
    }

    @Test func problems_whenTaskIDsRepeat_nameBothLines() throws {
        let path = try write("p.jsonl", Self.problem + "\n\n" + Self.problem + "\n")
        #expect(throws: EvalInputError(file: path, line: 3, "duplicate task_id \"T/0\" (first on line 1)")) { try EvalProblem.load(path) }
    }

    @Test func samples_forAnUnknownTask_nameTheTask() throws {
        let problems = try EvalProblem.load(try write("p.jsonl", Self.problem))
        let path = try write("s.jsonl", #"{"task_id": "T/0", "completion": "x"}"# + "\n" + #"{"task_id": "T/9", "completion": "x"}"#)
        #expect(throws: EvalInputError(file: path, line: 2, "field \"task_id\": no problem \"T/9\" in the problems file")) {
            try EvalSample.load(path, problems: problems)
        }
    }

    @Test func samples_whenCompletionIsNotAString_sayWhatItIs() throws {
        let problems = try EvalProblem.load(try write("p.jsonl", Self.problem))
        let path = try write("s.jsonl", #"{"task_id": "T/0", "completion": 42}"#)
        #expect(throws: EvalInputError(file: path, line: 1, "field \"completion\" must be a string, got integer")) {
            try EvalSample.load(path, problems: problems)
        }
    }

    @Test func problems_gzipped_areReadTransparently() throws {
        let plain = try write("g.jsonl", Self.problem + "\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-kf", plain]
        try process.run()
        process.waitUntilExit()
        let problems = try EvalProblem.load(plain + ".gz")
        #expect(problems.map(\.taskID) == ["T/0"])
        #expect(problems.first?.entryPoint == "f")
    }
}
