import Foundation
import Glibc
import KaiJSON

/// The host side of out-of-process scanning: runs `kai-plugin-worker
/// --scan` over the files the scan cache does not know, one helper for all
/// of them, so a file that crashes or hangs in its entry function or
/// describe() fails alone and the host carries on.
enum ScanHelperClient {
    enum Outcome {
        case manifest([UInt8], abiMinor: UInt32)
        case failed(PluginLoadError)
        /// The file could not be scanned for a reason of this machine, not
        /// of the file (the helper did not start, or could not set up its
        /// sandbox): reported, but not cached, so it is retried once fixed.
        case unscanned(PluginLoadError)
    }

    /// Outcomes by path, one for every path. `sandboxed`: scan inside the
    /// sandbox of isolation: sandbox (`--scan --sandbox 1`), so the code
    /// of a plugin configured for it runs nowhere else. A helper that
    /// cannot start fails the files it was to scan: they are never read
    /// in the host's process instead.
    static func scan(_ paths: [String], executable: String, timeout: Double, sandboxed: Bool = false) -> [String: Outcome] {
        var outcomes: [String: Outcome] = [:]
        var remaining = paths[...]
        while !remaining.isEmpty {
            let process: WorkerProcess
            do {
                process = try WorkerProcess.spawn(
                    executable, arguments: ["--scan"] + (sandboxed ? ["--sandbox", "1"] : []) + remaining,
                    environment: WorkerEnvironment.build(from: ProcessInfo.processInfo.environment),
                    layout: [(0, .devNull), (1, .output), (2, .devNull)])
            } catch {
                let reason = "could not be scanned: its scan helper did not start (\(error.message)). "
                    + "Kai never reads a plugin file in its own process in its place; install kai-plugin-worker next to kai "
                    + "or set KAI_PLUGIN_WORKER."
                for path in remaining { outcomes[path] = .unscanned(PluginLoadError(path: path, reason: .failedInHelper(reason))) }
                return outcomes
            }
            var lines = LineReader(fd: process.pipes[1]!)
            var alive = true
            while alive, let path = remaining.first {
                switch lines.next(until: MonotonicClock.deadline(after: timeout)) {
                case .line(let bytes):
                    outcomes[path] = outcome(bytes, path: path)
                    remaining.removeFirst()
                case .end:
                    let reason: PluginLoadError.Reason = switch process.waitForExit(within: 1) {
                    case .signaled(let signal): .scanCrashed(signal: signal)
                    case .exited(let status): .scanExited(status: status)
                    }
                    outcomes[path] = .failed(PluginLoadError(path: path, reason: reason))
                    remaining.removeFirst()
                    alive = false
                case .timedOut:
                    process.kill()
                    outcomes[path] = .failed(PluginLoadError(path: path, reason: .scanTimedOut(seconds: timeout)))
                    remaining.removeFirst()
                    alive = false
                }
            }
            if alive { _ = process.waitForExit(within: 1) }
        }
        return outcomes
    }

    private static func outcome(_ line: [UInt8], path: String) -> Outcome {
        guard case .object(let object)? = try? JSONParser.parse(line), object["path"]?.stringValue == path else {
            return .failed(PluginLoadError(path: path, reason: .failedInHelper("the scan helper answered with a malformed line")))
        }
        if let error = object["error"]?.stringValue {
            let failure = PluginLoadError(path: path, reason: .failedInHelper(error))
            return object["unscanned"]?.boolValue == true ? .unscanned(failure) : .failed(failure)
        }
        guard let manifest = object["manifest"]?.stringValue, let minor = object["abiMinor"]?.intValue else {
            return .failed(PluginLoadError(path: path, reason: .failedInHelper("the scan helper answered without a manifest")))
        }
        return .manifest(Array(manifest.utf8), abiMinor: UInt32(clamping: minor))
    }
}

/// Newline-separated lines from a pipe, with a deadline per line.
struct LineReader {
    enum Next {
        case line([UInt8])
        case end
        case timedOut
    }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    mutating func next(until deadline: Int64) -> Next {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                return .line(line)
            }
            let remaining = deadline - MonotonicClock.now()
            if remaining <= 0 { return .timedOut }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min((remaining + 999_999) / 1_000_000, Int64(Int32.max))))
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { continue }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return .end }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}
