import KaiCore

extension PluginValidator {
    /// The results a host would refuse: every tool's answer to its valid
    /// input (from the deadline check's calls) must match its outputSchema.
    /// The host rejects such a result with an error, so a plugin whose every
    /// result is rejected would otherwise pass every other check.
    func checkResults(_ answers: [(Capability, CallOutcome)]) -> CheckResult {
        let started = Stopwatch.now()
        var findings: [String] = []
        var matched = 0
        let schemaless = answers.filter { $0.0.outputSchema == nil }.count
        for (tool, outcome) in answers where tool.outputSchema != nil {
            switch outcome.result {
            case .success:
                matched += 1
            case .failure(let error):
                switch error {
                case .outputViolatesSchema, .outputTooLarge, .nestingTooDeep:
                    findings.append("\(tool.name): \(error.description)")
                default:
                    continue  // no result to judge (failed, deadline): other checks report it
                }
            }
        }
        guard !answers.isEmpty else {
            return CheckResult(.results, .skip, "no tool was called with a valid input")
        }
        var pass = matched == 0
            ? "not observable: no tool with an outputSchema returned a result"
            : matched == 1 ? "1 result matched its tool's outputSchema" : "\(matched) results matched their tools' outputSchemas"
        if schemaless > 0 { pass += "; \(schemaless) tool\(schemaless == 1 ? " declares" : "s declare") no outputSchema" }
        return CheckResult.from(.results, findings: findings, passReason: pass, started: started)
    }
}
