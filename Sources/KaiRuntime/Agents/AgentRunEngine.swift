import KaiCore

/// Starts, resumes or continues one run (placeholder until the engine lands).
struct AgentRunEngine {
    let runtime: KaiRuntime
    let request: AgentRunRequest

    func run() throws(RunError) -> RunOutcome {
        throw RunError(.invalid, "kai run is not implemented yet")
    }
}
