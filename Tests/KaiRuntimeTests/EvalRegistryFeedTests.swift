import KaiRegistry
import KaiRuntime
import KaiTestSupport
import Testing

/// `kai eval` samples written by a provider feed that provider's coding
/// score: the one the registry knows from its plugin, not a made-up one.
@Suite struct EvalRegistryFeedTests {
    typealias Workspace = RuntimeOpenTests.Workspace

    /// A workspace whose registry has seen the bundled plugins (the local
    /// provider among them), as after any kai command.
    static func synced(_ name: String) throws -> Workspace {
        let workspace = try Workspace(name)
        let runtime = try KaiRuntime.open(settings: workspace.settings(), environment: workspace.environment, diagnostics: RecordingDiagnostics())
        try runtime.shutdown()
        return workspace
    }

    static func sample(_ model: String, passed: Bool) -> EvaluatedSample {
        EvaluatedSample(taskID: "HumanEval/0", model: model, agent: nil, passed: passed, wallTimeMs: 20, status: passed ? "ok" : "failed")
    }

    static func codingScores(_ workspace: Workspace) throws -> [String: Int] {
        let store = try RegistryStore(path: workspace.directory + "/data/kai/registry.sqlite")
        let scored = try store.discover(DiscoveryQuery(kind: .provider, statuses: Set(EffectivePluginStatus.allCases), taskType: "coding", limit: 100))
        return Dictionary(uniqueKeysWithValues: scored.filter { $0.calls > 0 }.map { ("\($0.pluginID)/\($0.name)", $0.calls) })
    }

    @Test func samplesOfAProviderTheRegistryKnows_countForItsProviderCapability() throws {
        let workspace = try Self.synced("feed-known")
        let samples = [
            Self.sample("local/smollm2-135m-instruct.q4_1", passed: true),
            Self.sample("local/smollm2-135m-instruct.q4_1", passed: false),
            Self.sample("dev.kai.local.local/smollm2-135m-instruct.q4_1", passed: true),
        ]
        let diagnostics = RecordingDiagnostics()
        try KaiRuntime.recordEvaluation(samples, settings: workspace.settings(), environment: workspace.environment, diagnostics: diagnostics)
        #expect(diagnostics.warnings == [])
        #expect(try Self.codingScores(workspace) == ["dev.kai.local/local": 3])
    }

    @Test func samplesOfAProviderTheRegistryDoesNotKnow_getAPlaceholderCapability() throws {
        let workspace = try Self.synced("feed-unknown")
        try KaiRuntime.recordEvaluation(
            [Self.sample("demo/tiny-coder", passed: true)], settings: workspace.settings(), environment: workspace.environment,
            diagnostics: RecordingDiagnostics())
        #expect(try Self.codingScores(workspace) == ["demo/tiny-coder": 1])
    }
}
