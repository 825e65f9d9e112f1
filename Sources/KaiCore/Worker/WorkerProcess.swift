import Foundation
import Glibc
import Synchronization

/// A child process started with posix_spawn, and its end of the pipes.
///
/// `@unchecked Sendable`: the pid and descriptors are immutable; reaping is
/// serialized by `exit`, so exactly one waitpid collects the status.
package final class WorkerProcess: @unchecked Sendable {
    package let pid: pid_t
    /// Host ends of the child's pipes, keyed by the child's descriptor.
    package let pipes: [Int32: Int32]
    private let exit = Mutex<WorkerExit?>(nil)
    /// Host ends closed early (closePipe), not closed again at deinit.
    private let closedEarly = Mutex<Set<Int32>>([])

    private init(pid: pid_t, pipes: [Int32: Int32]) {
        self.pid = pid
        self.pipes = pipes
    }

    deinit {
        if exit.withLock({ $0 }) == nil { _ = kill() }
        let early = closedEarly.withLock { $0 }
        for (child, fd) in pipes where !early.contains(child) { close(fd) }
    }

    /// Closes the host's end of the child's descriptor `child` now (e.g.
    /// stdin, so the child reads end of file); once only.
    package func closePipe(_ child: Int32) {
        guard let fd = pipes[child], closedEarly.withLock({ $0.insert(child).inserted }) else { return }
        close(fd)
    }

    package enum ChildFD {
        /// A pipe the child reads (the host keeps the write end).
        case input
        /// A pipe the child writes (the host keeps the read end).
        case output
        /// The same open file as another child descriptor.
        case sameAs(Int32)
        case devNull
    }

    /// Starts `executable` with exactly the descriptors in `layout` (every
    /// other descriptor is closed in the child) in a session of its own.
    /// Runs on the spawner thread (see WorkerSpawner).
    package static func spawn(
        _ executable: String, arguments: [String], environment: [String: String], layout: [(Int32, ChildFD)]
    ) throws(SpawnError) -> WorkerProcess {
        let result: Result<WorkerProcess, SpawnError> = WorkerSpawner.shared.run {
            Result { () throws(SpawnError) in try spawnNow(executable, arguments, environment, layout) }
        }
        return try result.get()
    }

    private static func spawnNow(
        _ executable: String, _ arguments: [String], _ environment: [String: String], _ layout: [(Int32, ChildFD)]
    ) throws(SpawnError) -> WorkerProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var hostEnds: [Int32: Int32] = [:]
        var childEnds: [Int32] = []
        defer { for fd in childEnds { close(fd) } }
        do throws(SpawnError) {
            for (target, kind) in layout {
                switch kind {
                case .input, .output:
                    let (read, write) = try pipePair()
                    let (host, child) = kind.isInput ? (write, read) : (read, write)
                    hostEnds[target] = host
                    childEnds.append(child)
                    posix_spawn_file_actions_adddup2(&actions, child, target)
                case .sameAs(let other):
                    posix_spawn_file_actions_adddup2(&actions, other, target)
                case .devNull:
                    posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_RDWR, 0)
                }
            }
            // Nothing else of the host reaches the child, whatever it has
            // open without O_CLOEXEC (a directory, a file, a socket, a tty).
            try SpawnIsolation.closeAllAbove(layout.map(\.0).max() ?? 2, in: &actions)
        } catch {
            for fd in hostEnds.values { close(fd) }
            throw error
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with no blocked signals and SIGPIPE at its default,
        // whatever the spawning thread had.
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // A session of its own: no controlling terminal, so a plugin cannot
        // open /dev/tty to read what the user types or change the terminal.
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | SpawnIsolation.newSession))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard code == 0 else {
            for fd in hostEnds.values { close(fd) }
            throw SpawnError(message: "could not start \(executable): \(String(cString: strerror(code)))")
        }
        return WorkerProcess(pid: pid, pipes: hostEnds)
    }

    /// A pipe with both ends O_CLOEXEC, moved to descriptors >= 10 so that
    /// no dup2 onto 0-4 in the child can be a no-op or clobber another end.
    private static func pipePair() throws(SpawnError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw SpawnError(message: "pipe failed: \(String(cString: strerror(errno)))") }
        var moved: [Int32] = []
        for fd in fds {
            let high = fcntl(fd, F_DUPFD_CLOEXEC, 10)
            close(fd)
            guard high >= 0 else {
                for fd in moved { close(fd) }
                throw SpawnError(message: "fcntl(F_DUPFD_CLOEXEC) failed: \(String(cString: strerror(errno)))")
            }
            moved.append(high)
        }
        return (moved[0], moved[1])
    }

    /// The exit status if the process has ended (reaping it), else nil.
    package func exitIfEnded() -> WorkerExit? {
        exit.withLock { exit in
            if let exit { return exit }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { exit = WorkerExit(waitStatus: status) }
            return exit
        }
    }

    /// Waits up to `seconds` for the process to end by itself (it is
    /// usually already exiting when its pipe closed), then SIGKILLs it.
    package func waitForExit(within seconds: Double) -> WorkerExit {
        let deadline = MonotonicClock.deadline(after: seconds)
        var pause = 50
        while MonotonicClock.now() < deadline {
            if let exit = exitIfEnded() { return exit }
            usleep(UInt32(pause))
            pause = min(pause * 2, 2_000)
        }
        return kill()
    }

    /// SIGKILLs the process (unless already reaped) and reaps it.
    @discardableResult
    package func kill() -> WorkerExit {
        exit.withLock { exit in
            if let exit { return exit }
            _ = Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let ended = WorkerExit(waitStatus: status)
            exit = ended
            return ended
        }
    }
}

extension WorkerProcess.ChildFD {
    fileprivate var isInput: Bool {
        if case .input = self { return true }
        return false
    }
}

package struct SpawnError: Error, Sendable {
    package let message: String
}
