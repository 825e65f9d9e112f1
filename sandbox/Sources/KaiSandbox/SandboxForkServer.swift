#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KaiJSON

/// A warm process that forks itself into a fresh sandbox per run through
/// libKaiSandboxFork.so (`kai_sandbox_fork`, sandbox/fork-server): the
/// launcher's own code and command line, except that the program is a copy
/// of the server instead of an execve'd file. For many short runs of one
/// interpreter (kai eval) this saves its start-up on every run.
///
/// Protocol: one JSON line per run on the server's stdin, `{"argv":
/// [launcher arguments], ...fields}`; on its stdout the launcher's report
/// (written by the sandbox's supervisor itself), a NUL byte, and the
/// supervisor's raw wait status (waitpid's `status`, not Python's
/// `waitstatus_to_exitcode`) as a decimal line, or a line saying why the
/// fork failed. Exit 0 means a report was written; any other exit or a
/// signal is `launcherFailed`.
///
/// One run at a time: not thread-safe. `@unchecked Sendable` so that a
/// pool can hand a server from thread to thread; only its holder uses it.
public final class SandboxForkServer: @unchecked Sendable {
    public let pid: pid_t
    private let requests: Int32
    private let replies: Int32
    /// The server's stderr: an anonymous in-memory file (memfd), emptied
    /// before each run but the first (which keeps what the server wrote
    /// while starting) and read back into that run's errors; nothing to
    /// clean up, even after a crash.
    private let errors: Int32
    private var ranBefore = false
    private var pending: [UInt8] = []
    private var stopped = false

    /// KAI_SANDBOX_FORK_LIBRARY if set, else libKaiSandboxFork.so next to
    /// the running executable, as `swift build` puts it beside `kai`.
    public static var defaultLibraryPath: String {
        if let path = ProcessInfo.processInfo.environment["KAI_SANDBOX_FORK_LIBRARY"], !path.isEmpty { return path }
        let launcher = Sandbox.defaultLauncherPath
        return String(launcher.dropLast("kai-sandbox".count)) + "libKaiSandboxFork.so"
    }

    /// Starts `command` (argv[0] an absolute path) with exactly
    /// `environment`.
    public init(command: [String], environment: [String: String]) throws(SandboxError) {
        signal(SIGPIPE, SIG_IGN)  // a dead server is an EPIPE, not the end of the host
        var input: [Int32] = [-1, -1], output: [Int32] = [-1, -1]
        guard systemPipe2(&input, O_CLOEXEC) == 0 else { throw .system(call: "pipe2", errno: errno) }
        guard systemPipe2(&output, O_CLOEXEC) == 0 else {
            let saved = errno
            close(input[0]); close(input[1])
            throw .system(call: "pipe2", errno: saved)
        }
        let errors = systemMemfdCreate("kai-fork-server-stderr", 1 /* MFD_CLOEXEC */)
        guard errors >= 0 else {
            let saved = errno
            close(input[0]); close(input[1]); close(output[0]); close(output[1])
            throw .system(call: "memfd_create", errno: saved)
        }
        defer { close(input[0]); close(output[1]) }
        let pid: pid_t
        do {
            pid = try LauncherProcess.spawn(command, environment: environment, stdin: input[0], stdout: output[1], stderr: errors)
        } catch {
            close(input[1]); close(output[0]); close(errors)
            throw error
        }
        self.pid = pid
        requests = input[1]
        replies = output[0]
        self.errors = errors
    }

    deinit { stop() }

    /// Runs `request` in a fresh sandbox forked from the server; `fields`
    /// are further members of the request line for the server itself.
    public func run(_ request: SandboxRequest, fields: JSONObject = JSONObject()) throws(SandboxError) -> SandboxReport {
        var line = fields
        line["argv"] = .array(request.launcherArguments.map { .string($0) })
        if ranBefore { resetErrors() }
        ranBefore = true
        try send(JSONValue.object(line).serializedBytes() + [UInt8(ascii: "\n")])
        let report = try readUntil(0)
        let trailer = String(decoding: try readUntil(UInt8(ascii: "\n")), as: UTF8.self)
        guard let status = Int32(trailer) else {
            throw .forkServerFailed(reason: trailer + serverErrors())
        }
        // A wait status, decoded as LauncherProcess does (WIFEXITED and
        // friends are macros Swift does not import).
        let signal = status & 0x7f
        let exitStatus = (status >> 8) & 0xff
        guard signal == 0, exitStatus == 0 else {
            throw .launcherFailed(exitStatus: signal == 0 ? exitStatus : nil, signal: signal == 0 ? nil : signal,
                                  stderr: serverStderr())
        }
        return try SandboxReport.decode(report)
    }

    /// Closes the server's stdin (it exits at EOF) and reaps it; kills it if
    /// it does not go within a second.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        close(requests)
        close(replies)
        defer { close(errors) }
        for _ in 0..<100 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) != 0 { return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    private func send(_ bytes: [UInt8]) throws(SandboxError) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { write(requests, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw errno == EPIPE ? .forkServerFailed(reason: "it exited" + serverErrors()) : .system(call: "write", errno: errno)
            }
            offset += count
        }
    }

    /// The bytes before the next `delimiter` (consumed, not returned).
    private func readUntil(_ delimiter: UInt8) throws(SandboxError) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let index = pending.firstIndex(of: delimiter) {
                let bytes = Array(pending[..<index])
                pending.removeSubrange(...index)
                return bytes
            }
            let count = chunk.withUnsafeMutableBytes { read(replies, $0.baseAddress, $0.count) }
            if count < 0 {
                guard errno == EINTR else { throw .system(call: "read", errno: errno) }
            } else if count == 0 {
                throw .forkServerFailed(reason: "it exited in the middle of a run" + serverErrors())
            } else {
                pending.append(contentsOf: chunk[0..<count])
            }
        }
    }

    /// Empties the server's stderr, so that an error shows only what was
    /// written during its own run. The server's fd 2 shares this file
    /// description and so its offset: rewinding it makes the server write
    /// from the start again.
    private func resetErrors() {
        _ = ftruncate(errors, 0)
        _ = lseek(errors, 0, SEEK_SET)
    }

    /// What the server wrote on stderr since the current run began, or for
    /// the first run since it started (the last 1500 bytes), trimmed.
    private func serverStderr() -> String {
        let size = Int(lseek(errors, 0, SEEK_END))
        guard size > 0 else { return "" }
        let start = max(0, size - 1500)
        var bytes = [UInt8](repeating: 0, count: size - start)
        let count = bytes.withUnsafeMutableBytes { pread(errors, $0.baseAddress, $0.count, off_t(start)) }
        guard count > 0 else { return "" }
        return String(decoding: bytes[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `serverStderr()` as ": text" for error messages ("" if none).
    private func serverErrors() -> String {
        let text = serverStderr()
        return text.isEmpty ? "" : ": " + text
    }
}

/// memfd_create(2): like pipe2, behind _GNU_SOURCE and so not in Glibc's
/// Swift overlay.
@_silgen_name("memfd_create")
private func systemMemfdCreate(_ name: UnsafePointer<CChar>, _ flags: UInt32) -> Int32
