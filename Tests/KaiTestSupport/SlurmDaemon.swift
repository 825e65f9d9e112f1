import Foundation
#if canImport(Glibc)
import Glibc
#endif

@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func spawnClosefrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32

/// A daemon of the test cluster, in the foreground as a child of the test,
/// started with posix_spawn rather than Foundation's Process: slurmctld and
/// slurmd close every descriptor they inherit, which Foundation takes for
/// the child's exit, and its reaper thread then blocks in waitpid on the
/// live daemon, stalling every later Process of the test run.
final class SlurmDaemon {
    let name: String
    let path: String
    let arguments: [String]
    let pid: pid_t
    private var exited = false

    /// Starts `path` with stdin /dev/null, stdout and stderr appended to
    /// `log`, and nothing else of this test process's open.
    init(_ path: String, _ arguments: [String], environment: [String: String], log: String) throws {
        name = (path as NSString).lastPathComponent
        self.path = path
        self.arguments = arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        _ = spawnClosefrom(&actions, 3)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, path, &actions, nil, argv, envp)
        guard rc == 0 else { throw SlurmClusterError("posix_spawn \(path): \(String(cString: strerror(rc)))") }
        pid = child
    }

    /// Whether it still runs (reaping it once it has exited).
    var isRunning: Bool {
        guard !exited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// SIGTERM, then SIGKILL if it has not exited within `deadline` seconds.
    func stop(deadline seconds: Double = 10) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { usleep(20_000) }
        if isRunning {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            exited = true
        }
    }
}
