#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of the launcher executable: posix_spawn (Foundation.Process is
/// slow and not safe to use from many threads at once), close-on-exec pipes,
/// and a poll loop that drains stdout and stderr together so neither can
/// fill up and block the launcher. Safe to use from many threads: it shares
/// no state, and every fd it creates is close-on-exec from the start, so a
/// concurrent spawn elsewhere cannot inherit it.
/// pipe2(2): Glibc's Swift overlay does not export it (it is behind
/// _GNU_SOURCE); pipe + fcntl(FD_CLOEXEC) would race with a concurrent spawn.
@_silgen_name("pipe2")
func systemPipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32

/// posix_spawn_file_actions_addclosefrom_np(3) (glibc 2.34+, hidden behind
/// _GNU_SOURCE), looked up with dlsym rather than linked, so kai builds and
/// runs on an older glibc (as KaiCore's SpawnIsolation does); nil there.
private let systemAddClosefrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32).self)
}()

struct LauncherProcess {
    struct Outcome {
        var stdout: [UInt8]
        var stderr: [UInt8]
        /// Exit status when the launcher exited, else nil.
        var exitStatus: Int32?
        var signal: Int32?
    }

    /// Runs the launcher with `stdin` (nil: /dev/null) as its fd 0. With
    /// `stdoutFile`, the launcher writes its stdout (the report) straight
    /// into that file and `Outcome.stdout` is empty: the report is never
    /// held in this process's memory.
    /// `cancel`: a descriptor that turns readable when the caller gives up
    /// (the plugin host's cancel fd); the launcher is then killed, and with
    /// it (PDEATHSIG) the sandbox's init and the whole program tree.
    static func run(path: String, arguments: [String], stdin: Int32? = nil, stdoutFile: Int32? = nil,
                    cancel: Int32? = nil) throws(SandboxError) -> Outcome {
        var out: [Int32] = [-1, -1]
        var err: [Int32] = [-1, -1]
        if stdoutFile == nil {
            guard systemPipe2(&out, O_CLOEXEC) == 0 else { throw .system(call: "pipe2", errno: errno) }
        }
        guard systemPipe2(&err, O_CLOEXEC) == 0 else {
            let saved = errno
            if stdoutFile == nil { close(out[0]); close(out[1]) }
            throw .system(call: "pipe2", errno: saved)
        }
        let pid: pid_t
        do {
            defer { if stdoutFile == nil { close(out[1]) }; close(err[1]) }
            pid = try spawn([path] + arguments, environment: [:], stdin: stdin, stdout: stdoutFile ?? out[1], stderr: err[1])
        } catch {
            if stdoutFile == nil { close(out[0]) }
            close(err[0])
            throw error
        }
        defer { if stdoutFile == nil { close(out[0]) }; close(err[0]) }
        let (stdout, stderr) = try drain(out[0], err[0], cancel: cancel.map { ($0, pid) })
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw .system(call: "waitpid", errno: errno) }
        }
        let signal = status & 0x7f
        return Outcome(
            stdout: stdout, stderr: stderr,
            exitStatus: signal == 0 ? (status >> 8) & 0xff : nil,
            signal: signal == 0 ? nil : signal
        )
    }

    /// posix_spawn of `command` (argv[0] an absolute path) with exactly
    /// `environment` and the given fds as its stdin (nil: /dev/null),
    /// stdout and stderr, and no other fd of ours.
    static func spawn(_ command: [String], environment: [String: String], stdin: Int32?, stdout: Int32, stderr: Int32)
        throws(SandboxError) -> pid_t
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin {
            posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        // Only 0, 1 and 2, set up here on purpose: whatever else this process
        // has open without close-on-exec (a directory, a file, a socket, a
        // terminal its own caller left it) must not reach the launcher or a
        // fork server, and through them sandboxed code. The launcher closes
        // them too (ks_close_inherited_fds); this keeps them out of the
        // fork server's unsandboxed Python as well. On glibc < 2.34 (no
        // addclosefrom) nothing is added here: the launcher and the fork
        // server's C part close every descriptor above 2 themselves before
        // any sandboxed code starts, so sandboxed code still sees none; only
        // the fork server's own Python holds them until then.
        if let systemAddClosefrom {
            let closing = systemAddClosefrom(&actions, 3)
            guard closing == 0 else { throw .system(call: "posix_spawn_file_actions_addclosefrom_np", errno: closing) }
        }
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp: [UnsafeMutablePointer<CChar>?] =
            environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, command[0], &actions, nil, argv, envp)
        guard rc == 0 else { throw .spawnFailed(path: command[0], errno: rc) }
        return pid
    }

    private static func drain(_ outFD: Int32, _ errFD: Int32, cancel: (fd: Int32, pid: pid_t)?) throws(SandboxError) -> ([UInt8], [UInt8]) {
        var buffers: [[UInt8]] = [[], []]
        var fds = [pollfd(fd: outFD, events: Int16(POLLIN), revents: 0), pollfd(fd: errFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: cancel?.fd ?? -1, events: Int16(POLLIN), revents: 0)]
        var chunk = [UInt8](repeating: 0, count: 65536)
        while fds[0].fd >= 0 || fds[1].fd >= 0 {
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                guard errno == EINTR else { throw .system(call: "poll", errno: errno) }
                continue
            }
            // Cancelled: kill the launcher once and drain what it wrote until its pipes close.
            if let cancel, fds[2].fd >= 0, fds[2].revents != 0 {
                kill(cancel.pid, SIGKILL)
                fds[2].fd = -1
            }
            for index in 0..<2 where fds[index].fd >= 0 && fds[index].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(fds[index].fd, $0.baseAddress, $0.count) }
                if count < 0 {
                    guard errno == EINTR || errno == EAGAIN else { throw .system(call: "read", errno: errno) }
                } else if count == 0 {
                    fds[index].fd = -1
                } else {
                    buffers[index].append(contentsOf: chunk[0..<count])
                }
            }
        }
        return (buffers[0], buffers[1])
    }
}
