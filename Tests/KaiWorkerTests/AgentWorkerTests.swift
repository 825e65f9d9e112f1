import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Synchronization
import Testing

/// A minor-2 agent in a worker, outside a run: its text deltas and steps
/// cross the worker pipe as the in-process host would hand them on (the
/// agent services are not offered there: inside a run such an agent is
/// refused before it runs, see AgentContractTests).
@Suite struct AgentWorkerTests {
    @Test func aMinor2AgentsTextAndSteps_crossTheWorkerPipe() throws {
        let path = try Fixtures.compile(
            "agent_services_test_agentsw_2", source: Fixtures.repositoryRoot + "/Tests/Fixtures/agent_services_plugin.c",
            flags: ["-DAGENT_ID=\"test.agentsw\"", "-DAGENT_MINOR=2"])
        let host = Workers.host(path)
        let events = Mutex<[ToolEvent]>([])
        let options = CallOptions(onEvent: { event in events.withLock { $0.append(event) }; return .continue })
        let result = try host.call(.agent, "test.agentsw.services", input: Array(#"{"task":"all"}"#.utf8), options: options)
        #expect(events.withLock { $0 } == [
            .textDelta("thinking"),
            .step(["type": "note", "message": "step one"]),
            .progress(progress: 1, total: 2, message: "half"),
        ])
        let output = try JSONParser.parse(result.json)
        #expect(output["result"]?["ext"] == false)  // kai.host.agent/1 is not relayed to workers
    }
}
