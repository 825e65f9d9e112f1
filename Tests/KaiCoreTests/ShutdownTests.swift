import Foundation
import Glibc
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
        let destroyLog = directory + "/destroy.log", release = directory + "/release", entered = directory + "/entered"
        let signal = try EnteredSignal(path: entered)
        let host = Fixtures.host([plugin], configs: [plugin: ["destroy_log": .string(destroyLog)]])
        let held = DispatchGroup(), stopped = DispatchGroup()
        held.enter()
        Thread {
            let value = try? host.call("hold", #"{"release": "\#(release)", "entered": "\#(entered)"}"#)
            #expect(value == ["held": true])
            held.leave()
        }.start()
        // The call is inside invoke() before shutdown starts (a hang guard
        // fails the test if it never gets there).
        #expect(signal.wait(seconds: 30), "the hold call never entered invoke()")
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
        // Shutdown is waiting for the held call: destroy() has not run.
        #expect((try? String(contentsOfFile: destroyLog, encoding: .utf8)) == nil, "destroy() ran while a call was inside invoke()")

        #expect(FileManager.default.createFile(atPath: release, contents: nil))
        #expect(held.wait(timeout: .now() + 30) == .success)
        #expect(stopped.wait(timeout: .now() + 30) == .success)
        // The call returned before destroy() ran, and none was inside it then.
        #expect(try String(contentsOfFile: destroyLog, encoding: .utf8) == "hold returned\ndestroy busy=0\n")
        #expect(host.callError("ping", "{}")?.description.hasSuffix("the plugin was shut down (its host is stopping) and takes no more calls.") == true)
    }
}

/// A FIFO the hostile plugin's hold tool writes one byte to once it is
/// inside invoke(): the test waits on it instead of guessing with a pause.
private struct EnteredSignal {
    let fd: Int32

    init(path: String) throws {
        guard mkfifo(path, 0o600) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        // Non-blocking, so opening does not wait for the writer; poll waits instead.
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// True once the byte arrived; false after `seconds` (a hang guard).
    func wait(seconds: Int32) -> Bool {
        defer { close(fd) }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&descriptor, 1, seconds * 1000)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return false }
            var byte: UInt8 = 0
            return read(fd, &byte, 1) == 1
        }
    }
}
