/// One HumanEval problem: the prompt a model completes, the test code, and
/// the function the test checks.
public struct EvalProblem: Sendable, Equatable {
    public let taskID: String
    public let prompt: String
    public let canonicalSolution: String
    public let test: String
    public let entryPoint: String

    public init(taskID: String, prompt: String, canonicalSolution: String, test: String, entryPoint: String) {
        self.taskID = taskID
        self.prompt = prompt
        self.canonicalSolution = canonicalSolution
        self.test = test
        self.entryPoint = entryPoint
    }

    /// Reads HumanEval's JSONL (plain or .gz). Every problem is checked
    /// before any is returned, so a bad file fails whole.
    public static func load(_ path: String) throws(EvalInputError) -> [EvalProblem] {
        var problems: [EvalProblem] = []
        var lines: [String: Int] = [:]
        for (line, object) in try JSONLines.read(path) {
            func field(_ name: String) throws(EvalInputError) -> String {
                try JSONLines.string(object, name, file: path, line: line)
            }
            let problem = EvalProblem(
                taskID: try field("task_id"), prompt: try field("prompt"),
                canonicalSolution: try field("canonical_solution"), test: try field("test"),
                entryPoint: try field("entry_point"))
            if let first = lines[problem.taskID] {
                throw EvalInputError(file: path, line: line, "duplicate task_id \"\(problem.taskID)\" (first on line \(first))")
            }
            lines[problem.taskID] = line
            problems.append(problem)
        }
        guard !problems.isEmpty else { throw EvalInputError(file: path, line: nil, "holds no problems") }
        return problems
    }
}
