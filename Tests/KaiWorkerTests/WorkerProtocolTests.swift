import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Synchronization
import Testing

/// Issue 9, items 9 (d) and 8 (c): what the host reads from a worker is
/// either the protocol or a loud protocol error naming the plugin, and the
/// worker's stray stdout is counted exactly at the end of each call.
@Suite struct WorkerProtocolTests {
    @Test(arguments: [PluginIsolation.process, .sandbox])
    func garbageOnTheProtocolPipe_isAProtocolErrorNamingThePlugin(_ isolation: PluginIsolation) throws {
        if let missing = Probe.sandboxMissing(isolation) { try Test.cancel(Comment(rawValue: missing)) }
        let host = try Probe.host(isolation)
        // The probe writes its garbage, then waits for its deadline: only
        // reading the garbage can end the call with anything else.
        let error = try #require(host.callError("garbage", "{}", timeout: 30))
        #expect(error.kind == .workerBrokeProtocol)
        #expect(error.description == "tool \"test.probe.garbage\" failed: plugin test.probe broke the worker protocol "
            + "(a frame length of 1936287860 bytes, where frames are 5 to 268435456 bytes), so its worker process was killed. "
            + "A plugin must never write to the worker's descriptors 3 and 4. The next call starts a fresh worker.")
        #expect(try host.call("clean", "{}") == ["clean": true])
    }

    @Test func strayStdout_isCountedByTheTimeItsCallReturns_evenUnderLoad() throws {
        let host = try Probe.host(.process)
        let plugin = try #require(host.plugins.first)
        try BusyThreads.whileRunning(4) {
            for round in 1...200 {
                _ = try host.call("stray_stdout", "{}")
                try #require(plugin.workerStdoutBytes == 11 * round, "round \(round): \(plugin.workerStdoutBytes) bytes counted")
                _ = try host.call("clean", "{}")
            }
        }
    }
}
