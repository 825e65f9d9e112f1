import Foundation
#if canImport(Glibc)
import Glibc
#endif

// glibc functions the Swift Glibc module hides behind _GNU_SOURCE.
@_silgen_name("pipe2") private func systemPipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func addClosefrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32

extension KaiProcess {
    /// Runs kai as a shell would with `descriptors` left open: each handed
    /// on its number without close-on-exec, nothing else of this test
    /// process's. With a pty among them and `terminalStdin`, kai is a
    /// session leader whose stdin is that terminal, which becomes its
    /// controlling terminal (a user typing at it). Fails if kai has not
    /// exited within `deadline` seconds (a hang guard, not a timing check).
    public static func run(_ arguments: [String], inheriting descriptors: InheritedDescriptors, terminalStdin: Bool = false,
                           environment: [String: String] = [:], deadline: Double = 120) throws -> Outcome {
        try spawn(arguments, descriptors, terminalStdin: terminalStdin, environment: environment, deadline: deadline)
    }

    /// Runs kai with stdin /dev/null and nothing else of ours open; fails if
    /// it has not exited within `deadline` seconds (a hang guard).
    public static func run(_ arguments: [String], deadline: Double, environment: [String: String] = [:]) throws -> Outcome {
        try spawn(arguments, nil, terminalStdin: false, environment: environment, deadline: deadline)
    }

    private static func spawn(_ arguments: [String], _ descriptors: InheritedDescriptors?, terminalStdin: Bool,
                              environment: [String: String], deadline: Double) throws -> Outcome {
        let handed = descriptors?.handed ?? []
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard systemPipe2(&out, O_CLOEXEC) == 0, systemPipe2(&err, O_CLOEXEC) == 0 else {
            throw FixtureError(message: "pipe2: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        if terminalStdin, let descriptors, descriptors.ptySlave >= 0 {
            // Opened without O_NOCTTY by a session leader: the controlling terminal.
            posix_spawn_file_actions_addopen(&actions, 0, descriptors.ptyName, O_RDWR, 0)
            posix_spawnattr_setflags(&attributes, 0x80 /* POSIX_SPAWN_SETSID */)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        // dup2 onto their numbers clears close-on-exec; everything else of
        // ours (other tests spawn concurrently) is closed.
        let top = (handed.map(\.theirs).max() ?? 2) + 1
        for (ours, theirs) in handed { posix_spawn_file_actions_adddup2(&actions, ours, theirs) }
        for number in 3..<top where !handed.contains(where: { $0.theirs == number }) {
            posix_spawn_file_actions_addclose(&actions, number)
        }
        _ = addClosefrom(&actions, top)
        var env = ["PATH": "/usr/bin:/bin", "HOME": home]
        env.merge(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(out[1]); close(err[1])
        guard rc == 0 else {
            close(out[0]); close(err[0])
            throw FixtureError(message: "posix_spawn \(executable): \(String(cString: strerror(rc)))")
        }
        return try finish(pid: pid, stdout: out[0], stderr: err[0], deadline: deadline)
    }

    private static func finish(pid: pid_t, stdout: Int32, stderr: Int32, deadline: Double) throws -> Outcome {
        let start = Date()
        var buffers: [[UInt8]] = [[], []]
        var fds = [pollfd(fd: stdout, events: Int16(POLLIN), revents: 0), pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)]
        var chunk = [UInt8](repeating: 0, count: 65536)
        var timedOut = false
        while fds.contains(where: { $0.fd >= 0 }) {
            let left = deadline - Date().timeIntervalSince(start)
            if left <= 0 { timedOut = true; break }
            if poll(&fds, nfds_t(fds.count), Int32(left * 1000)) < 0 && errno != EINTR { break }
            for index in fds.indices where fds[index].fd >= 0 && fds[index].revents != 0 {
                let count = read(fds[index].fd, &chunk, chunk.count)
                if count > 0 { buffers[index] += chunk[0..<count] } else if count == 0 || errno != EINTR { close(fds[index].fd); fds[index].fd = -1 }
            }
        }
        for entry in fds where entry.fd >= 0 { close(entry.fd) }
        if timedOut { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if timedOut { throw FixtureError(message: "kai (pid \(pid)) had not exited after \(deadline) s; killed") }
        let exit = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(status: exit, stdout: String(decoding: buffers[0], as: UTF8.self), stderr: String(decoding: buffers[1], as: UTF8.self))
    }
}
