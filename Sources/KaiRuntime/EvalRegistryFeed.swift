import KaiCore
import KaiRegistry

/// One evaluated sample as the registry's performance feed takes it: whose
/// answer it was (a `model` or an `agent`), the task, and how it went.
public struct EvaluatedSample: Sendable, Equatable {
    public var taskID: String
    public var model: String?
    public var agent: String?
    public var passed: Bool
    public var wallTimeMs: Double
    /// The sandbox's status ("ok", "timeout", ...): the error code of a failure.
    public var status: String

    public init(taskID: String, model: String?, agent: String?, passed: Bool, wallTimeMs: Double, status: String) {
        self.taskID = taskID
        self.model = model
        self.agent = agent
        self.passed = passed
        self.wallTimeMs = wallTimeMs
        self.status = status
    }
}

/// Samples that name their `model` or `agent` feed the registry's
/// performance records for it: success = passed, duration = wall time,
/// quality = that task's pass rate for that model or agent.
enum EvalRegistryFeed {
    /// `samples` are the attributed ones (a model or an agent), none empty.
    static func record(_ attributed: [EvaluatedSample], in store: RegistryStore, diagnostics: any RuntimeDiagnostics) {
        var passRate: [String: (passed: Int, total: Int)] = [:]
        for record in attributed {
            let key = subjectKey(record) + "\u{0}" + record.taskID
            passRate[key, default: (0, 0)].total += 1
            if record.passed { passRate[key, default: (0, 0)].passed += 1 }
        }
        do throws(StoreError) {
            var ids: [String: Int64] = [:]
            var records: [PerformanceRecord] = []
            let now = WallClock.now()
            for record in attributed {
                let key = subjectKey(record)
                let id: Int64
                if let known = ids[key] {
                    id = known
                } else {
                    id = try capabilityID(record, in: store)
                    ids[key] = id
                }
                let rate = passRate[key + "\u{0}" + record.taskID]!
                records.append(PerformanceRecord(
                    capabilityID: id, taskType: "coding", success: record.passed,
                    durationSeconds: record.wallTimeMs / 1000, quality: Double(rate.passed) / Double(rate.total),
                    errorCode: record.passed ? nil : record.status, recordedAt: now))
            }
            try store.record(records)
        } catch {
            diagnostics.warning("could not record the evaluation in the registry: \(error.description)")
        }
    }

    /// A model's samples count for the provider capability it names
    /// ("local/smollm2-135m-instruct.q4_1" → plugin dev.kai.local's provider
    /// "local"), whose coding score the router reads; a provider the
    /// registry does not know gets a placeholder capability (`subject`).
    private static func capabilityID(_ record: EvaluatedSample, in store: RegistryStore) throws(StoreError) -> Int64 {
        if let model = record.model, let id = try store.providerCapabilityID(named: String(model.prefix { $0 != "/" })) {
            return id
        }
        let (plugin, kind, name) = subject(record)
        return try store.ensureCapability(pluginID: plugin, kind: kind, name: name)
    }

    /// For what the registry does not know as a provider: "openai/gpt-4o"
    /// → plugin "openai", provider "gpt-4o"; an agent
    /// "dev.kai.agents.coder" → plugin "dev.kai.agents", agent "coder".
    private static func subject(_ record: EvaluatedSample) -> (String, Capability.Kind, String) {
        if let model = record.model {
            let parts = model.split(separator: "/", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0], .provider, parts[1]) : ("models", .provider, model)
        }
        let agent = record.agent ?? ""
        guard let dot = agent.lastIndex(of: ".") else { return ("agents", .agent, agent) }
        return (String(agent[..<dot]), .agent, String(agent[agent.index(after: dot)...]))
    }

    private static func subjectKey(_ record: EvaluatedSample) -> String {
        let (plugin, kind, name) = subject(record)
        return "\(kind.rawValue):\(plugin):\(name)"
    }
}
