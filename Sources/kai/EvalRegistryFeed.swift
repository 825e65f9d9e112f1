import KaiCore
import KaiEval
import KaiRegistry

/// Samples that name their `model` or `agent` feed the registry's
/// performance records for it: success = passed, duration = wall time,
/// quality = that task's pass rate for that model or agent.
enum EvalRegistryFeed {
    static func record(_ summary: EvalSummary, runtime options: RuntimeOptions) throws {
        // Records resumed from an earlier run were fed by that run.
        let attributed = summary.records.filter { !$0.resumed && ($0.sample.model != nil || $0.sample.agent != nil) }
        guard !attributed.isEmpty else { return }
        let config = try options.loadConfig()
        let store = try options.openStore(config)
        var passRate: [String: (passed: Int, total: Int)] = [:]
        for record in attributed {
            let key = subjectKey(record) + "\u{0}" + record.sample.taskID
            passRate[key, default: (0, 0)].total += 1
            if record.outcome.passed { passRate[key, default: (0, 0)].passed += 1 }
        }
        do throws(StoreError) {
            var ids: [String: Int64] = [:]
            var records: [PerformanceRecord] = []
            let now = WallClock.now()
            for record in attributed {
                let (plugin, kind, name) = subject(record)
                let key = subjectKey(record)
                let id: Int64
                if let known = ids[key] {
                    id = known
                } else {
                    id = try store.ensureCapability(pluginID: plugin, kind: kind, name: name)
                    ids[key] = id
                }
                let rate = passRate[key + "\u{0}" + record.sample.taskID]!
                records.append(PerformanceRecord(
                    capabilityID: id, taskType: "coding", success: record.outcome.passed,
                    durationSeconds: record.outcome.wallTimeMs / 1000, quality: Double(rate.passed) / Double(rate.total),
                    errorCode: record.outcome.passed ? nil : record.outcome.status, recordedAt: now))
            }
            try store.record(records)
        } catch {
            Console.warning("could not record the evaluation in the registry: \(error.description)")
        }
    }

    /// "openai/gpt-4o" → plugin "openai", provider "gpt-4o"; an agent
    /// "dev.kai.agents.coder" → plugin "dev.kai.agents", agent "coder".
    private static func subject(_ record: EvalRecord) -> (String, Capability.Kind, String) {
        if let model = record.sample.model {
            let parts = model.split(separator: "/", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0], .provider, parts[1]) : ("models", .provider, model)
        }
        let agent = record.sample.agent ?? ""
        guard let dot = agent.lastIndex(of: ".") else { return ("agents", .agent, agent) }
        return (String(agent[..<dot]), .agent, String(agent[agent.index(after: dot)...]))
    }

    private static func subjectKey(_ record: EvalRecord) -> String {
        let (plugin, kind, name) = subject(record)
        return "\(kind.rawValue):\(plugin):\(name)"
    }
}
