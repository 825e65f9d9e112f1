import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// PluginHost.shutdown keeps the ABI's promise that destroy() never runs
/// while an invoke() does, and a call after shutdown is refused rather than
/// handed a freshly created instance.
@Suite struct ShutdownTests {
    @Test func shutdown_waitsForRunningCallsBeforeDestroy_andRefusesLateCalls() throws {
        let plugin = try Fixtures.compile("hostile", source: Fixtures.repositoryRoot + "/Tests/Fixtures/hostile_plugin.c")
        let directory = Fixtures.scratch + "/shutdown-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let destroyLog = directory + "/destroy.log", release = directory + "/release"
        let host = Fixtures.host([plugin], configs: [plugin: ["destroy_log": .string(destroyLog)]])
        let held = DispatchGroup(), stopped = DispatchGroup()
        held.enter()
        Thread {
            let value = try? host.call("hold", #"{"release": "\#(release)"}"#)
            #expect(value == ["held": true])
            held.leave()
        }.start()
        #expect(try host.call("ping", "{}") == ["pong": true])  // the instance exists before shutdown starts
        stopped.enter()
        Thread {
            host.shutdown(timeout: 60)
            stopped.leave()
        }.start()

        // Once shutdown has begun, calls are refused (no new instance);
        // a hang guard ends the loop if they never are.
        let guardTime = Date().addingTimeInterval(30)
        var late: CallError?
        while late == nil && Date() < guardTime { late = host.callError("ping", "{}") }
        let path = plugin
        #expect(late?.description == "tool \"test.hostile.ping\" is unavailable: \(path): the plugin was shut down (its host is stopping) and takes no more calls.")

        #expect(FileManager.default.createFile(atPath: release, contents: nil))
        #expect(held.wait(timeout: .now() + 30) == .success)
        #expect(stopped.wait(timeout: .now() + 30) == .success)
        #expect(try String(contentsOfFile: destroyLog, encoding: .utf8) == "destroy busy=0\n")
        #expect(host.callError("ping", "{}")?.description.hasSuffix("the plugin was shut down (its host is stopping) and takes no more calls.") == true)
    }
}
