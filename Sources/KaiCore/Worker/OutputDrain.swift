import Foundation
import Glibc
import Logging
import Synchronization

/// Reads one of a worker's output pipes (stdout or stderr) on a thread of
/// its own until the worker closes it, so a chatty plugin never blocks on a
/// full pipe; text goes to the log at debug level, its size to `counter`.
///
/// `sync()` makes the count exact at a point in time: every byte the worker
/// wrote before that point is counted when it returns. The worker writes a
/// call's stray output before it answers the call, so syncing after the
/// answer arrived blames the bytes on that call — no guessing with a pause.
///
/// `@unchecked Sendable`: the descriptor is read only with `lock` held (by
/// the thread, or by `sync`), and closed by the thread after EOF with it held.
final class OutputDrain: @unchecked Sendable {
    private let lock = Mutex<Bool>(false)  // true once EOF was read and fd closed
    private let fd: Int32
    private let name: String
    private let counter: ByteCounter?
    private let pluginID: String
    private let logger: Logger
    private let buffer = UnsafeMutableRawPointer.allocate(byteCount: 16 << 10, alignment: 1)
    /// The end of the text read so far that is not yet a whole line (lock
    /// held). Logged a line at a time, so a secret value that a pipe read
    /// happened to cut in two is whole in one message, where the plugin
    /// logger's scrubbing finds it. A line longer than `maxLine` is logged
    /// in pieces (no newline must not mean nothing logged).
    private var partial: [UInt8] = []
    private static let maxLine = 64 << 10
    /// Bytes a cut long line carries into its next piece: secrets up to
    /// 513 bytes long are never split across two log lines.
    private static let secretCarry = 512

    /// Starts draining a duplicate of `original` (the caller keeps its own).
    init?(_ original: Int32, name: String, counter: ByteCounter?, pluginID: String, logger: Logger) {
        fd = fcntl(original, F_DUPFD_CLOEXEC, 10)
        guard fd >= 0 else { return nil }
        // Non-blocking: whoever holds the lock reads only what is there.
        guard fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 else {
            close(fd)
            return nil
        }
        self.name = name
        self.counter = counter
        self.pluginID = pluginID
        self.logger = logger
        let thread = Thread { [self] in run() }
        thread.name = "kai-worker-\(name)"
        thread.start()
    }

    deinit { buffer.deallocate() }

    /// Counts every byte now in the pipe. Returns at once after EOF.
    func sync() {
        lock.withLock { ended in
            if !ended { ended = readAvailable() }
        }
    }

    private func run() {
        while true {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, -1) < 0 && errno != EINTR { break }
            if lock.withLock({ ended in
                if !ended { ended = readAvailable() }
                return ended
            }) { return }
        }
        lock.withLock { ended in
            if !ended { close(fd) }
            ended = true
        }
    }

    /// Reads until the pipe is empty (false) or at its end (true: the
    /// descriptor is then closed). Lock held.
    private func readAvailable() -> Bool {
        while true {
            let n = read(fd, buffer, 16 << 10)
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return false }
            if n <= 0 {
                close(fd)
                if !partial.isEmpty { log(partial[...]) }
                partial = []
                return true
            }
            counter?.add(n)
            partial.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: n))
            if let end = partial.lastIndex(of: UInt8(ascii: "\n")) {
                log(partial[...end])
                partial.removeFirst(end + 1)
            }
            if partial.count > Self.maxLine {
                // Logged in pieces, each scrubbed alone: the tail starts the
                // next piece, so a secret straddling the cut is whole in it.
                log(partial.dropLast(Self.secretCarry))
                partial = Array(partial.suffix(Self.secretCarry))
            }
        }
    }

    private func log(_ text: ArraySlice<UInt8>) {
        logger.debug("worker \(name): \(String(decoding: text, as: UTF8.self))", metadata: ["plugin": .string(pluginID)])
    }
}
