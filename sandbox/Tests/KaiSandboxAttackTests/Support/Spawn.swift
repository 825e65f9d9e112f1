import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What one spawned process did, as its parent saw it through `wait4`.
struct Spawned: Sendable {
    let pid: pid_t
    /// The raw `wait4` status.
    let waitStatus: Int32
    let stdout: [UInt8]
    let stderr: [UInt8]
    /// The process's own peak resident set (VmHWM, KiB), sampled every 50 ms
    /// while it ran. Not wait4's ru_maxrss: with posix_spawn's vfork that
    /// starts at the parent's (this test process's) high-water mark.
    let peakRSSKB: Int
    /// Seconds from spawn to reap, measured by the test.
    let elapsed: Double

    var exitStatus: Int32? { waitStatus & 0x7f == 0 ? (waitStatus >> 8) & 0xff : nil }
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

// glibc functions the Swift Glibc module hides behind _GNU_SOURCE.
@_silgen_name("pipe2") private func pipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func addClosefrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32

struct SpawnError: Error, CustomStringConvertible {
    let description: String
}

/// Starts processes with `posix_spawn` exactly as a host would, so the tests
/// see the launcher's real exit status and resource usage.
enum Spawn {
    /// glibc's POSIX_SPAWN_SETSID, absent from the Swift overlay.
    private static let setsidFlag: Int16 = 0x80

    /// Starts `argv` with stdout/stderr on pipes and stdin from `stdinPath`
    /// (default /dev/null). With `newSession`, the child becomes a session
    /// leader, so opening a terminal as its stdin makes it the controlling one.
    static func start(_ argv: [String], environment: [String: String], stdinPath: String = "/dev/null",
                      newSession: Bool = false) throws -> Running {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe2(&outPipe, O_CLOEXEC) == 0, pipe2(&errPipe, O_CLOEXEC) == 0 else {
            throw SpawnError(description: "pipe2: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        // Other tests spawn concurrently: no descriptor of theirs may leak in.
        _ = addClosefrom(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | (newSession ? setsidFlag : 0))

        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let start = Date()
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            close(outPipe[0]); close(errPipe[0])
            throw SpawnError(description: "posix_spawn \(argv[0]): \(String(cString: strerror(rc)))")
        }
        return Running(pid: pid, stdoutFD: outPipe[0], stderrFD: errPipe[0], start: start)
    }

    static func run(_ argv: [String], environment: [String: String], stdinPath: String = "/dev/null",
                    newSession: Bool = false, deadline: Double = 90) throws -> Spawned {
        try start(argv, environment: environment, stdinPath: stdinPath, newSession: newSession).finish(deadline: deadline)
    }

    final class Running: @unchecked Sendable {  // used by one thread at a time; the fds are owned here
        let pid: pid_t
        private let stdoutFD: Int32
        private let stderrFD: Int32
        private let start: Date

        init(pid: pid_t, stdoutFD: Int32, stderrFD: Int32, start: Date) {
            self.pid = pid
            self.stdoutFD = stdoutFD
            self.stderrFD = stderrFD
            self.start = start
        }

        static func residentHighWaterKB(_ pid: pid_t) -> Int {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }

        /// Drains both pipes to EOF and reaps the process. If the pipes stay
        /// open past `deadline` seconds (something escaped and holds them), the
        /// process is killed and the call throws: a hang is a test failure.
        func finish(deadline: Double) throws -> Spawned {
            var out: [UInt8] = [], err: [UInt8] = []
            var open: [Int32] = [stdoutFD, stderrFD]
            var buffer = [UInt8](repeating: 0, count: 65536)
            var timedOut = false
            var peak = 0
            while !open.isEmpty {
                let remaining = deadline - Date().timeIntervalSince(start)
                if remaining <= 0 { timedOut = true; break }
                var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
                peak = max(peak, Self.residentHighWaterKB(pid))
                let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining, 0.05) * 1000))
                if ready < 0 && errno == EINTR { continue }
                for entry in fds where entry.revents != 0 {
                    let count = read(entry.fd, &buffer, buffer.count)
                    if count > 0 {
                        if entry.fd == stdoutFD { out += buffer[0..<count] } else { err += buffer[0..<count] }
                    } else if count == 0 || errno != EINTR {
                        open.removeAll { $0 == entry.fd }
                    }
                }
            }
            close(stdoutFD)
            close(stderrFD)
            if timedOut { kill(pid, SIGKILL) }
            var status: Int32 = 0
            var usage = rusage()
            while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
            if timedOut {
                throw SpawnError(description: "\(pid) still held its output open after \(deadline) s; killed")
            }
            return Spawned(pid: pid, waitStatus: status, stdout: out, stderr: err,
                           peakRSSKB: peak, elapsed: Date().timeIntervalSince(start))
        }
    }
}
