import Foundation
import Glibc
import KaiCore
import Synchronization

/// A stdio MCP server's process, started as Kai starts plugin workers
/// (WorkerProcess): a session of its own, no descriptor of Kai's but its
/// three pipes, and only the environment it is given — the worker's short
/// allow-list (PATH, LANG, TZ, ...; HOME=/nonexistent) plus the entry's own
/// `env:` and `secrets:`, never Kai's whole environment.
final class MCPServerProcess: Sendable {
    let process: WorkerProcess
    /// The last lines the server wrote to stderr, for messages about why it
    /// did not start (secret values are scrubbed by the host).
    let stderrTail = Mutex<[UInt8]>([])

    private init(process: WorkerProcess) {
        self.process = process
    }

    var stdin: Int32 { process.pipes[0]! }
    var stdout: Int32 { process.pipes[1]! }

    /// `environment`: all the server gets (see MCPServerSpec.Transport.stdio).
    static func start(command: String, arguments: [String], environment childEnvironment: [String: String]) throws(MCPStartError) -> MCPServerProcess {
        guard let executable = resolve(command, path: childEnvironment["PATH"] ?? "") else {
            throw MCPStartError("its command \"\(command)\" was not found (give an absolute path, or a program on PATH)")
        }
        let process: WorkerProcess
        do {
            process = try WorkerProcess.spawn(executable, arguments: arguments, environment: childEnvironment,
                                              layout: [(0, .input), (1, .output), (2, .output)])
        } catch {
            throw MCPStartError(error.message)
        }
        let server = MCPServerProcess(process: process)
        let fd = process.pipes[2]!
        let thread = Thread { [server] in server.drainStderr(fd) }
        thread.name = "kai-mcp-stderr"
        thread.start()
        return server
    }

    /// The last non-empty line of stderr, if any (at most 300 bytes).
    var lastStderrLine: String? {
        let bytes = stderrTail.withLock { $0 }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let line = text.split(separator: "\n").last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return nil }
        return String(line.suffix(300))
    }

    private func drainStderr(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            stderrTail.withLock { tail in
                tail.append(contentsOf: buffer[0..<count])
                if tail.count > 4096 { tail.removeFirst(tail.count - 4096) }
            }
        }
    }

    /// `command` itself when it has a slash, else the first executable
    /// of that name on `path`.
    private static func resolve(_ command: String, path: String) -> String? {
        if command.contains("/") { return access(command, X_OK) == 0 ? command : nil }
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(command)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

/// Why an MCP server could not be started or initialized.
struct MCPStartError: Error, Sendable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
