import KaiCore
@testable import KaiRegistry
import Testing

/// `RegistryStore.scores(kind:taskType:)`: the router's one-query read of
/// every provider's score, agreeing with discovery.
struct ScoresQueryTests {
    @Test(arguments: StoreBackendKind.all) func scores_ofOneKind_forATaskType_givesThePriorToCapabilitiesWithoutCalls(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.plugin("p", [("fast", []), ("idle", [])], kind: .provider)
        try fixture.plugin("t", [("tool", [])])
        for _ in 0..<5 {
            fixture.store.callFinished(report("p", "fast", ok: true, taskType: "coding", kind: .provider))
        }
        let scores = try fixture.store.scores(kind: .provider, taskType: "coding")
        let discovered = try fixture.store.discover(DiscoveryQuery(kind: .provider, taskType: "coding"))
        #expect(scores == Dictionary(uniqueKeysWithValues: discovered.map { ("\($0.pluginID).\($0.name)", $0.score) }),
                "the same scores discovery ranks by")
        #expect(Set(scores.keys) == ["p.fast", "p.idle"])
        #expect(scores["p.fast"]! > scores["p.idle"]!)
    }
}
