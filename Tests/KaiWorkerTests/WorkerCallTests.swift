import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Synchronization
import Testing

/// A `process` plugin answers exactly as it would in-process: results,
/// errors, config, callbacks into the host, events, cancellation.
@Suite struct WorkerCallTests {
    let host: PluginHost

    init() throws {
        host = Workers.host(try Fixtures.fixture())
    }

    @Test func call_runsInAWorkerProcess_andReturnsThePluginsResult() throws {
        #expect(try host.call("add", #"{"a": 1.5, "b": 2}"#) == ["sum": 3.5])
        let pid = try host.call("pid", "{}")["pid"]?.intValue
        #expect(pid != nil && pid != Int64(getpid()))
        #expect(host.plugins.first?.isolationState == "process: ready")
        #expect(host.plugins.first?.workerPID.map(Int64.init) == pid)
    }

    @Test func errors_areTheSameAsInProcess() throws {
        let local = Fixtures.host([try Fixtures.fixture()])
        for (tool, arguments) in [("fail", "{}"), ("bad_json", "{}"), ("add", #"{"a": "x"}"#), ("ad", "{}")] {
            #expect(host.callError(tool, arguments)?.description == local.callError(tool, arguments)?.description)
        }
    }

    @Test func config_reachesCreateInTheWorker() throws {
        #expect(try host.call("config", "{}") == ["level": 3])
    }

    @Test func callTool_fromTheWorkerPlugin_goesThroughTheHost() throws {
        #expect(try host.call("call_tool", #"{"name": "add", "args": {"a": 2, "b": 40}}"#) == ["sum": 42])
        let error = host.callError("call_tool", #"{"name": "add", "args": {"a": "x", "b": 1}}"#)
        #expect(error?.code == .invalidInput)
        #expect(error?.description.contains(#"$.a: expected number, got string (type)"#) == true)
        let nested = host.callError("call_tool", #"{"name": "call_tool", "args": {"name": "add", "args": {"a": 1, "b": 2}}}"#)
        #expect(nested?.description.contains(
            #"tool "test.fixture.call_tool" was not called: plugin test.fixture runs its calls one at a time and is already busy in this call chain."#) == true)
    }

    @Test func progressEvents_streamFromTheWorker_andStopReachesIt() throws {
        let events = Mutex<[ToolEvent]>([])
        var options = CallOptions(onEvent: { event in events.withLock { $0.append(event) }; return .continue })
        let result = try host.callTool("progress", arguments: Array(#"{"steps": 3}"#.utf8), options: options)
        #expect(result.text == #"{"steps":3}"#)
        #expect(events.withLock { $0 } == [
            .progress(progress: 1, total: 3, message: "step 1"),
            .progress(progress: 2, total: 3, message: "step 2"),
            .progress(progress: 3, total: 3, message: "step 3"),
        ])
        options.onEvent = { event in
            if case .progress(2, _, _) = event { return .stop }
            return .continue
        }
        let stopped = try host.callTool("progress", arguments: Array(#"{"steps": 10}"#.utf8), options: options)
        #expect(stopped.text == #"{"steps":2}"#)
    }

    @Test func cancellation_reachesThePluginInTheWorker() throws {
        let token = CancellationToken()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { token.cancel() }
        #expect(host.callError("sleep_ms", #"{"ms": 10000}"#, token: token)?.description
            == #"tool "test.fixture.sleep_ms" was cancelled."#)
        #expect(try host.call("add", #"{"a": 1, "b": 1}"#) == ["sum": 2])
    }

    @Test func cooperativeDeadline_isReportedAsInProcess() throws {
        let error = try #require(host.callError("sleep_ms", #"{"ms": 5000}"#, timeout: 0.05))
        #expect(error.kind == .deadlineExceeded)
        #expect(error.description.hasPrefix(#"tool "test.fixture.sleep_ms" passed its deadline of 0.050 s (stopped after "#))
    }

    @Test func parallelCapability_isMultiplexedOnOneWorker() throws {
        let host = self.host
        let results = onThreads(3) { _ in try? host.call("rendezvous", #"{"n": 3}"#, timeout: 20) }
        #expect(results == [["met": true], ["met": true], ["met": true]])
    }

    @Test func pluginWritingToStdout_doesNotCorruptTheProtocol() throws {
        #expect(try host.call("stdout_spam", #"{"bytes": 200000}"#) == ["written": 200000])
        #expect(try host.call("add", #"{"a": 1, "b": 2}"#) == ["sum": 3])
    }

    @Test func shutdown_stopsTheWorker() throws {
        let host = Workers.host(try Fixtures.fixture())
        let pid = try #require(try host.call("pid", "{}")["pid"]?.intValue)
        host.shutdown()
        #expect(!Workers.isAlive(Int32(pid)))
        #expect(host.plugins.first?.isolationState == "process: stopped")
        #expect(host.callError("add", #"{"a": 1, "b": 1}"#)?.description
            == #"tool "test.fixture.add" is unavailable: the worker process of plugin test.fixture is stopped: the host is shutting down."#)
    }
}
