import Foundation
import Glibc
import KaiCore
import KaiJSON
import Synchronization

/// Newline-delimited JSON-RPC over a stdio server's pipes: one thread
/// blocks in read() on its stdout and hands each line on as it arrives;
/// writes go to its stdin, which is non-blocking so that no write outlives
/// its deadline: a server that stops reading its stdin fills the pipe, and
/// a blocking write() would then hang the call (and, for the reader's own
/// ping answers, the reader) for good.
final class StdioChannel: MCPChannel {
    /// The longest line Kai reads from a server: past it the server is
    /// stopped (a reply is never legitimately this large).
    static let lineLimit = 16 << 20
    /// Bytes queued for a server that is not reading its stdin; past this,
    /// answers to the server's own requests (ping) are dropped.
    static let queueLimit = 1 << 20

    private struct Output {
        var closed = false
        var queued: [UInt8] = []
    }

    private let server: MCPServerProcess
    private let output = Mutex(Output())

    init(server: MCPServerProcess, events: MCPChannelEvents, lineLimit: Int = StdioChannel.lineLimit) {
        self.server = server
        let flags = fcntl(server.stdin, F_GETFL)
        if flags >= 0 { _ = fcntl(server.stdin, F_SETFL, flags | O_NONBLOCK) }
        let fd = server.stdout
        let thread = Thread { [server] in
            let problem = Self.readLines(fd, limit: lineLimit, events: events)
            if problem != nil { _ = server.process.kill() }
            events.closed(problem)
        }
        thread.name = "kai-mcp-reader"
        thread.start()
    }

    /// Queues the message and writes what the pipe takes; a request waits
    /// (poll) for room until `deadline`, a reply of the reader's
    /// (`deadline` nil) never waits — it stays queued for the next write,
    /// or is dropped when the queue is full.
    func send(_ message: JSONValue, requestID: Int64?, deadline: Int64?) {
        var bytes = message.serializedBytes()
        bytes.append(UInt8(ascii: "\n"))
        let accepted: Bool = output.withLock { output in
            if output.closed { return false }
            if deadline == nil, requestID == nil, output.queued.count + bytes.count > Self.queueLimit { return false }
            output.queued += bytes
            return true
        }
        guard accepted else { return }
        while !flush(), let deadline {
            let left = deadline - MonotonicClock.now()
            guard left > 0 else { return }
            var pollfd = Glibc.pollfd(fd: server.stdin, events: Int16(POLLOUT), revents: 0)
            _ = poll(&pollfd, 1, Int32(min((left + 999_999) / 1_000_000, 1000)))
        }
    }

    /// Whether output is still queued: the server did not take its input.
    var isBlocked: Bool { output.withLock { !$0.closed && !$0.queued.isEmpty } }

    /// Writes queued bytes without blocking; true when none remain (or the
    /// server is gone: its reader reports that).
    private func flush() -> Bool {
        output.withLock { output in
            if output.closed { return true }
            var offset = 0
            defer { output.queued.removeFirst(offset) }
            while offset < output.queued.count {
                let written = output.queued[offset...].withUnsafeBytes { write(server.stdin, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN || errno == EWOULDBLOCK { return false }
                    offset = output.queued.count  // EPIPE: the server is gone
                    return true
                }
                offset += written
            }
            return true
        }
    }

    /// Stops a server that did not take its input by a call's deadline.
    func kill() {
        _ = server.process.kill()
    }

    /// Closes the server's stdin: a stdio server exits on end of file.
    func close() {
        output.withLock { output in
            guard !output.closed else { return }
            output.closed = true
            output.queued = []
            server.process.closePipe(0)
        }
    }

    /// Reads lines until end of file (nil) or a line past `limit` (the
    /// problem). Each read's bytes are scanned once.
    private static func readLines(_ fd: Int32, limit: Int, events: MCPChannelEvents) -> String? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var pending: [UInt8] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            var lineStart = 0
            for index in 0..<count where buffer[index] == UInt8(ascii: "\n") {
                pending.append(contentsOf: buffer[lineStart..<index])
                lineStart = index + 1
                if pending.count > limit { return "sent a message over \(limit) bytes" }
                if !pending.isEmpty { deliver(pending, events: events) }
                pending.removeAll(keepingCapacity: true)
            }
            pending.append(contentsOf: buffer[lineStart..<count])
            if pending.count > limit { return "sent a message over \(limit) bytes" }
        }
    }

    private static func deliver(_ line: [UInt8], events: MCPChannelEvents) {
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { return }
        do {
            events.message(try JSONParser.parse(line))
        } catch {
            events.unreadable("sent a message Kai could not parse: \(error)")
        }
    }
}
