import KaiCore
import KaiRegistry

/// Which agent runs: the one named, else the best registry score for the
/// task type, else `assistant`; and the ranked candidates find_agents lists.
enum AgentChoice {
    static let defaultAgent = "assistant"

    struct Candidate {
        let entry: CapabilityIndex.Entry
        let score: Double?
    }

    /// The root agent of a new run.
    static func choose(_ runtime: KaiRuntime, named name: String?, taskType: String?) throws(RunError) -> CapabilityIndex.Entry {
        if name == nil, taskType != nil, let best = ranked(runtime, taskType: taskType, capability: nil, excluding: nil).first,
           best.score != nil {
            return best.entry
        }
        let wanted = name ?? defaultAgent
        do throws(CallError) {
            return try runtime.host.index(.agent).resolve(wanted)
        } catch {
            throw RunError(.notFound, notFoundText(wanted, error: error, runtime: runtime))
        }
    }

    /// Loaded agents (of plugins taking calls) tagged with `capability`,
    /// best score for `taskType` first, unscored ones last by name. An agent
    /// has a score for a task type once calls of that type are recorded
    /// (the registry's prior for the others ranks nothing).
    static func ranked(_ runtime: KaiRuntime, taskType: String?, capability: String?, excluding caller: String?) -> [Candidate] {
        let scores = measuredScores(runtime, taskType: taskType)
        let candidates = runtime.host.index(.agent).entries.filter { entry in
            entry.plugin.status.takesCalls && entry.qualifiedName != caller
                && (capability.map { entry.capability.tags.contains($0) } ?? true)
        }
        return candidates.map { Candidate(entry: $0, score: scores[$0.qualifiedName]) }.sorted { a, b in
            switch (a.score, b.score) {
            case (let x?, let y?) where x != y: x > y
            case (.some, nil): true
            case (nil, .some): false
            default: a.entry.qualifiedName < b.entry.qualifiedName
            }
        }
    }

    private static func measuredScores(_ runtime: KaiRuntime, taskType: String?) -> [String: Double] {
        let count = runtime.host.index(.agent).entries.count
        guard count > 0, let found = try? runtime.store.discover(DiscoveryQuery(kind: .agent, taskType: taskType, limit: count)) else {
            return [:]
        }
        var scores: [String: Double] = [:]
        for agent in found where agent.calls > 0 { scores[agent.pluginID + "." + agent.name] = agent.score }
        return scores
    }

    /// `no agent named "X". Did you mean "Y"? The agents: a, b.`
    static func notFoundText(_ name: String, error: CallError, runtime: KaiRuntime) -> String {
        if case .ambiguousTool = error { return error.description.replacingOccurrences(of: "tool \"", with: "agent \"") }
        var hint = ""
        if case .toolNotFound(_, let suggestion?) = error { hint = " Did you mean \"\(suggestion)\"?" }
        let names = runtime.host.index(.agent).entries.map(\.capability.name).sorted()
        let list = names.isEmpty ? " No agent is loaded (the bundled ones come with plugin dev.kai.agents; see kai plugins list)."
            : " The agents: \(names.joined(separator: ", "))."
        return "no agent named \"\(name)\".\(hint)\(list)"
    }
}
