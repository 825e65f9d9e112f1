import KaiEval
import KaiJSON

/// The end-of-run summary, as a table or JSON.
enum EvalReport {
    static func text(_ summary: EvalSummary, workers: Int, checkProblems: Bool, generation: GenerationSummary? = nil) -> String {
        let percent = summary.total > 0 ? 100 * Double(summary.passed) / Double(summary.total) : 0
        var table = TextTable(header: [checkProblems ? "CANONICAL SOLUTIONS" : "EVALUATION", ""])
        table.rows.append(["samples", "\(summary.total)"])
        table.rows.append(["passed", "\(summary.passed) (\(String(format: "%.1f", percent))%)"])
        for k in summary.passAtK.keys.sorted() {
            table.rows.append(["pass@\(k)", String(format: "%.4f", summary.passAtK[k]!)])
        }
        let statuses = summary.statuses.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        table.rows.append(["statuses", statuses])
        if let generation {
            let perSample = generation.generated > 0 ? generation.elapsed / Double(generation.generated) : 0
            table.rows.append(["generation", String(format: "%.1f s (%d samples, %.2f s per sample, %d failed)",
                                                   generation.elapsed, generation.generated, perSample, generation.failures.count)])
        }
        let rate = summary.elapsed > 0 ? Double(summary.total) / summary.elapsed : 0
        table.rows.append(["time", String(format: "%.1f s (%.1f samples/s, %d workers)", summary.elapsed, rate, workers)])
        if !checkProblems { table.rows.append(["results", summary.resultsPath]) }
        var text = table.render()
        if checkProblems {
            let failed = summary.records.filter { !$0.outcome.passed }
            for record in failed.prefix(20) {
                text += "\nfailed: \(record.sample.taskID): \(record.outcome.result) [\(record.outcome.status)]"
            }
        }
        return text
    }

    static func json(_ summary: EvalSummary, checkProblems: Bool, generation: GenerationSummary? = nil) -> JSONValue {
        var object: JSONObject = [
            "samples": .integer(Int64(summary.total)), "passed": .integer(Int64(summary.passed)),
            "elapsed_s": .number(summary.elapsed),
        ]
        object["pass_at_k"] = .object(JSONObject(summary.passAtK.keys.sorted().map { ("pass@\($0)", .number(summary.passAtK[$0]!)) }))
        object["statuses"] = .object(JSONObject(summary.statuses.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) }))
        if let generation { object["generation"] = GenerationReport.json(generation) }
        if checkProblems {
            object["failed"] = .array(summary.records.filter { !$0.outcome.passed }.map {
                .object(["task_id": .string($0.sample.taskID), "result": .string($0.outcome.result), "status": .string($0.outcome.status)])
            })
        } else {
            object["results"] = .string(summary.resultsPath)
        }
        return .object(object)
    }
}
