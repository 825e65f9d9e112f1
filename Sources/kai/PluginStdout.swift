import Dispatch
import Foundation
import Glibc
import Logging
import Synchronization

/// What in-process plugins write to fd 1 once `Console.claimStdout()` ran:
/// fd 1 is then the write end of a pipe that a thread of kai's reads. Each
/// line becomes a warning of the plugin logger ("plugin output on stdout:
/// …"), which scrubs secret values and makes control characters visible —
/// so a plugin's printf() of its key or of an escape sequence reaches the
/// user's terminal neither raw nor on kai's stdout.
///
/// Lines read before the host is loaded (and its logger, which knows the
/// secrets, exists) wait in a bounded queue. At exit `drainNow()` flushes
/// the C library's buffers and logs what is still in the pipe; it gives up
/// after `exitBudget`, so a plugin stuck in printf() cannot hold kai's exit.
enum PluginStdout {
    /// A line longer than this is logged in pieces (no newline must not
    /// mean unbounded memory).
    static let maxLine = 4096
    /// Bytes a cut long line carries into its next piece: secrets up to
    /// 513 bytes long are never split across two log lines.
    static let secretCarry = 512
    /// Lines kept until the logger exists; later ones are counted, not kept.
    static let maxPending = 1000
    /// Small: the watchdog drains too, within the 2 s past the deadline that kai promises.
    static let exitBudget = 0.2

    private struct State {
        var logger: Logger?
        var pending: [String] = []
        var droppedLines = 0
        var partial: [UInt8] = []
    }

    private static let state = Mutex(State())
    /// One reader of the pipe at a time (the thread or `drainNow`).
    private static let reading = DispatchSemaphore(value: 1)
    nonisolated(unsafe) private static var readFD: Int32 = -1  // set once in start(), before the thread exists

    /// Creates the pipe and starts its reader. Returns the write end (the
    /// caller makes it fd 1 and closes it), or nil if no pipe could be made.
    static func start() -> Int32? {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }  // pipe2 is not imported; no other thread spawns yet
        guard fcntl(fds[0], F_SETFD, FD_CLOEXEC) == 0, fcntl(fds[1], F_SETFD, FD_CLOEXEC) == 0,
              fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK) == 0 else {
            close(fds[0])
            close(fds[1])
            return nil
        }
        readFD = fds[0]
        let thread = Thread { run() }
        thread.name = "kai-plugin-stdout"
        thread.start()
        return fds[1]
    }

    /// From now on lines go to `logger` (the host's plugin logger); the
    /// lines that waited for it go first.
    static func route(to logger: Logger) {
        let waiting = state.withLock { state -> [String] in
            state.logger = logger
            defer { state.pending = [] }
            return state.pending
        }
        for line in waiting { log(line, to: logger) }
    }

    /// Logs everything plugins wrote to stdout so far, including what sits
    /// in the C library's buffers. Called as kai exits; returns within
    /// `exitBudget` whatever happens.
    static func drainNow() {
        guard readFD >= 0 else { return }
        let done = DispatchSemaphore(value: 0)
        Thread {
            // A plugin's unflushed printf(): exit() would flush it only after
            // kai stopped reading. Only stdout, and only if its lock is free:
            // fflush(NULL) takes glibc's list lock and would wait for a
            // plugin thread stuck inside printf, and exit() would then hang
            // on that list lock too.
            if let stream = stdoutStream(), ftrylockfile(stream) == 0 {
                fflush_unlocked(stream)
                funlockfile(stream)
            }
            if reading.wait(timeout: .now() + exitBudget) == .success {
                _ = readAvailable(limit: 1 << 20)
                reading.signal()
            }
            finishPartialLine()
            reportUnrouted()
            done.signal()
        }.start()
        _ = done.wait(timeout: .now() + exitBudget)
    }

    private static func run() {
        while true {
            var descriptor = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, -1) < 0 && errno != EINTR { return }
            reading.wait()
            let ended = readAvailable(limit: 64 << 10)
            reading.signal()
            if ended { return }
        }
    }

    /// Reads what the pipe holds, up to `limit` bytes (so a plugin writing
    /// without pause cannot keep the reader here). True at end of file.
    private static func readAvailable(limit: Int) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        var total = 0
        while total < limit {
            let n = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return false }  // EAGAIN: empty for now
            if n == 0 { return true }
            total += n
            received(buffer[..<n])
        }
        return false
    }

    private static func received(_ bytes: ArraySlice<UInt8>) {
        var lines: [String] = []
        state.withLock { state in
            for byte in bytes {
                if byte == UInt8(ascii: "\n") {
                    lines.append(String(decoding: state.partial, as: UTF8.self))
                    state.partial = []
                } else if state.partial.count >= maxLine {
                    // A long line is logged in pieces, each scrubbed alone:
                    // the last `secretCarry` bytes start the next piece, so a
                    // secret (up to that long) straddling the cut is whole in it.
                    lines.append(String(decoding: state.partial.dropLast(secretCarry), as: UTF8.self))
                    state.partial = Array(state.partial.suffix(secretCarry)) + [byte]
                } else {
                    state.partial.append(byte)
                }
            }
        }
        deliver(lines)
    }

    private static func finishPartialLine() {
        let rest = state.withLock { state -> [String] in
            defer { state.partial = [] }
            return state.partial.isEmpty ? [] : [String(decoding: state.partial, as: UTF8.self)]
        }
        deliver(rest)
    }

    /// Lines that never met a logger (kai ended before its plugins' settings,
    /// and so their secrets, were loaded) are not shown: only counted.
    private static func reportUnrouted() {
        let count = state.withLock { state -> Int in
            guard state.logger == nil else { return 0 }
            defer { (state.pending, state.droppedLines) = ([], 0) }
            return state.pending.count + state.droppedLines
        }
        if count > 0 {
            Console.warning("\(count) line(s) a plugin wrote to stdout were dropped: kai ended before it could scrub them of secrets.")
        }
    }

    private static func deliver(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        let logger = state.withLock { state -> Logger? in
            if state.logger == nil {
                let room = max(0, maxPending - state.pending.count)
                state.pending += lines.prefix(room)
                state.droppedLines += lines.count - min(room, lines.count)
            }
            return state.logger
        }
        if let logger { for line in lines { log(line, to: logger) } }
    }

    private static func log(_ line: String, to logger: Logger) {
        logger.warning("plugin output on stdout: \(line)")
    }
}

/// libc's `stdout` FILE, looked up by symbol: Swift 6 refuses to read the
/// C global directly (shared mutable state), though the C library sets it
/// once at start-up and never reassigns it.
private func stdoutStream() -> UnsafeMutablePointer<FILE>? {
    guard let symbol = dlsym(nil, "stdout") else { return nil }
    return symbol.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee
}
