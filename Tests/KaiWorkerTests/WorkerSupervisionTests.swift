import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// The misbehaving-plugin corpus in `process` mode: each fault fails one
/// call with a precise error, the host carries on, and the next call gets a
/// fresh worker; repeated faults disable the plugin.
@Suite struct WorkerSupervisionTests {
    static let fresh = "The host is unaffected; the next call starts a fresh worker."

    func pid(_ host: PluginHost) throws -> Int64 {
        try #require(try host.call("pid", "{}")["pid"]?.intValue)
    }

    @Test(arguments: [
        ("crash_segv", #"tool "test.fixture.crash_segv" failed: its worker process was killed by SIGSEGV (segmentation fault) during the call. "#, "workerCrashed"),
        ("abort", #"tool "test.fixture.abort" failed: its worker process was killed by SIGABRT (abort) during the call. "#, "workerCrashed"),
        ("exit3", #"tool "test.fixture.exit3" failed: its worker process exited with status 3 during the call. "#, "workerExited"),
    ])
    func fatalFault_failsThatCallPrecisely_andTheNextCallGetsAFreshWorker(tool: String, message: String, kind: String) throws {
        let host = Workers.host(try Fixtures.fixture())
        let before = try pid(host)
        let error = try #require(host.callError(tool, "{}"))
        #expect(error.description == message + Self.fresh)
        #expect(error.kind.rawValue == kind)
        #expect(error.code == .internal)
        #expect(!Workers.isAlive(Int32(before)))
        #expect(try host.call("add", #"{"a": 1, "b": 2}"#) == ["sum": 3])
        #expect(try pid(host) != before)
    }

    @Test(arguments: [("spin", "{}"), ("oversleep", #"{"ms": 5000}"#)])
    func hangPastTheDeadline_isKilledAfterTheGrace(tool: String, arguments: String) throws {
        let host = Workers.host(try Fixtures.fixture())
        let before = try pid(host)
        let started = Date()
        let error = try #require(host.callError(tool, arguments, timeout: 0.2))
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed >= 0.4 && elapsed < 2)
        #expect(error.kind == .deadlineKilled)
        #expect(error.code == .deadlineExceeded)
        #expect(error.description.hasPrefix(
            #"tool "test.fixture.\#(tool)" passed its deadline of 0.200 s and did not stop; its worker process was killed (SIGKILL) after 0.4"#))
        #expect(error.description.hasSuffix(" s. The next call starts a fresh worker."))
        #expect(!Workers.isAlive(Int32(before)))
        #expect(try host.call("add", #"{"a": 1, "b": 2}"#) == ["sum": 3])
    }

    @Test func cancelledCallThatIgnoresIt_isKilledAfterTheGrace() throws {
        let host = Workers.host(try Fixtures.fixture())
        let token = CancellationToken()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { token.cancel() }
        #expect(host.callError("spin", "{}", token: token)?.description
            == #"tool "test.fixture.spin" was cancelled and did not stop; its worker process was killed (SIGKILL). The next call starts a fresh worker."#)
        #expect(try host.call("add", #"{"a": 1, "b": 2}"#) == ["sum": 3])
    }

    @Test func allocatingOneGigabyte_worksUnderTheDefaultLimit_andFailsCleanlyUnderASmallerOne() throws {
        let roomy = Workers.host(try Fixtures.fixture())
        #expect(try roomy.call("alloc_mb", #"{"mb": 1024}"#) == ["allocated_mb": 1024])
        let tight = Workers.host(try Fixtures.fixture(), policy: Workers.policy(addressSpaceBytes: 768 << 20))
        #expect(tight.callError("alloc_mb", #"{"mb": 1024}"#)?.description
            == #"tool "test.fixture.alloc_mb" failed (UNAVAILABLE): could not allocate 1024 MiB"#)
        #expect(try tight.call("add", #"{"a": 1, "b": 2}"#) == ["sum": 3])
    }

    @Test func backgroundThreadCrashingLater_isNoticedAndTheNextCallGetsAFreshWorker() throws {
        let host = Workers.host(try Fixtures.fixture())
        let before = try pid(host)
        #expect(try host.call("thread_crash", #"{"ms": 20}"#) == ["started": true])
        // Wait for the crash itself (the worker gone or a zombie), not for a guess at how long it takes.
        #expect(waitUntil(seconds: 30) { !isRunning(pid_t(before)) }, "the worker's thread never crashed")
        #expect(try host.call("add", #"{"a": 1, "b": 2}"#) == ["sum": 3])
        #expect(try pid(host) != before)
    }

    @Test func crashInCreate_failsTheCallWithTheSignal() throws {
        let host = Workers.host(try Fixtures.variant("FIXTURE_CREATE_CRASH"))
        let error = host.callError("add", #"{"a": 1, "b": 2}"#)
        #expect(error?.description == """
            tool "test.fixture.add" is unavailable: the worker process of plugin test.fixture was killed by SIGSEGV (segmentation fault) \
            while starting (in the plugin's entry function, describe() or create()). The next call tries again.
            """)
        #expect(error?.kind == .workerUnavailable)
    }

    @Test func createFailing_isReportedAsInProcess() throws {
        let path = try Fixtures.variant("FIXTURE_INIT_FAILS")
        let local = Fixtures.host([path])
        let error = Workers.host(path).callError("add", #"{"a": 1, "b": 2}"#)
        #expect(error?.description == local.callError("add", #"{"a": 1, "b": 2}"#)?.description)
        #expect(error?.description.hasSuffix("create() failed with INVALID_INPUT: missing API endpoint (field: endpoint)") == true)
    }

    @Test func repeatedFailures_disableThePlugin_andTellTheObserver() throws {
        let recorder = Recorder()
        let host = Workers.host(try Fixtures.fixture(), policy: Workers.policy(maxFailures: 3), observer: recorder)
        for _ in 0..<3 { #expect(host.callError("crash_segv", "{}")?.kind == .workerCrashed) }
        let reason = "its worker failed 3 times within 60 s (last: was killed by SIGSEGV (segmentation fault) during a call to test.fixture.crash_segv)"
        #expect(host.callError("add", #"{"a": 1, "b": 2}"#)?.description == """
            tool "test.fixture.add" is unavailable: plugin test.fixture was disabled because \(reason). \
            Fix the plugin, then run 'kai plugins enable test.fixture'.
            """)
        #expect(host.plugins.first?.isolationState == "process: disabled")
        #expect(recorder.disabled.withLock { $0.map(\.0) } == ["test.fixture"])
        #expect(recorder.disabled.withLock { $0.map(\.1) } == [reason])
        let reports = recorder.reports.withLock { $0 }
        #expect(reports.map(\.errorKind) == [.workerCrashed, .workerCrashed, .workerCrashed, .pluginDisabled])
        #expect(reports.map(\.blamesCaller) == [false, false, false, true])
    }
}
