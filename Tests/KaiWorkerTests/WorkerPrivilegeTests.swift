import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// Issue 9, item 3: an `isolation: sandbox` worker is unprivileged — uid and
/// gid 65534 in a user namespace of its own, no capabilities, nothing to read
/// that `nobody` could not (/etc/shadow), and a pid namespace with a /proc of
/// its own (it sees its init and itself, not the host's processes).
@Suite struct WorkerPrivilegeTests {
    @Test func sandboxWorker_isUnprivileged_andSeesOnlyItsOwnProcesses() throws {
        if let missing = Probe.sandboxMissing() { try Test.cancel(Comment(rawValue: missing)) }
        let host = try Probe.host(.sandbox)
        let identity = try host.call("identity", "{}")
        #expect(identity["uid"] == 65534)
        #expect(identity["gid"] == 65534)
        #expect(identity["capEff"] == "0000000000000000")
        #expect(identity["shadow"] == "ENOENT", "the worker's /etc holds no shadow file at all")
        #expect(identity["self"] == 2)
        #expect(identity["pids"] == [1, 2])
    }

    /// The worker is pid 2 under an init of its own, not pid 1 (which the
    /// kernel shields from its own signals): abort() still reads as SIGABRT.
    @Test func sandboxWorker_abort_readsAsSIGABRT() throws {
        if let missing = Probe.sandboxMissing() { try Test.cancel(Comment(rawValue: missing)) }
        let host = try WorkerSandboxTests.host(isolation: .sandbox, network: false)
        #expect(host.callError("abort", "{}")?.description
            == "tool \"test.fixture.abort\" failed: its worker process was killed by SIGABRT (abort) during the call. "
            + "The host is unaffected; the next call starts a fresh worker.")
        #expect(try host.call("add", #"{"a": 1, "b": 2}"#) == ["sum": 3])
    }

    /// The relay in the host's namespaces ends as the worker ended.
    @Test func sandboxWorker_exit_readsAsItsStatus() throws {
        if let missing = Probe.sandboxMissing() { try Test.cancel(Comment(rawValue: missing)) }
        let host = try WorkerSandboxTests.host(isolation: .sandbox, network: false)
        #expect(host.callError("exit3", "{}")?.description
            == "tool \"test.fixture.exit3\" failed: its worker process exited with status 3 during the call. "
            + "The host is unaffected; the next call starts a fresh worker.")
    }
}
