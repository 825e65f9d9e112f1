import Dispatch
import Foundation
import Synchronization

/// Reads newline-delimited messages from a descriptor with threads that
/// take turns (leader/follower): one thread at a time holds the reader
/// role; when the line it read is a tool call, it hands the role to an idle
/// thread (starting one if none is idle) and runs the call itself. So a
/// call starts on the thread that read it — no hop to another thread on its
/// path, which is most of a round trip's latency — while stdin is always
/// being read, and cancellations reach calls in flight.
///
/// `@unchecked Sendable`: `buffer`, `pending`, `atEOF` and `endReported` are touched only
/// by the thread holding the role (the `role` semaphore orders them);
/// `idle` is a Mutex.
final class StdinReaders: @unchecked Sendable {
    /// Handles one line; returns work to run off the reader role (a call), or nil.
    typealias Handler = @Sendable ([UInt8]) -> (@Sendable () -> Void)?

    private let fd: Int32
    private let handle: Handler
    private let ended: @Sendable () -> Void
    /// Made with 0 and signalled once: libdispatch traps when a semaphore is
    /// freed below the value it was made with.
    private let role = DispatchSemaphore(value: 0)
    /// Threads waiting for the role.
    private let idle = Mutex(0)
    private var buffer = [UInt8](repeating: 0, count: 64 << 10)
    private var pending: [UInt8] = []
    private var atEOF = false
    private var endReported = false

    /// Starts reading; `ended` runs once, at EOF or a read error.
    init(fd: Int32, handle: @escaping Handler, ended: @escaping @Sendable () -> Void) {
        self.fd = fd
        self.handle = handle
        self.ended = ended
        role.signal()
        startThread()
    }

    private func startThread() {
        idle.withLock { $0 += 1 }
        let thread = Thread { [self] in loop() }
        thread.name = "kai-mcp-stdin"
        thread.start()
    }

    private func loop() {
        while true {
            role.wait()
            idle.withLock { $0 -= 1 }
            var work: (@Sendable () -> Void)?
            while work == nil {
                guard let line = nextLine() else {
                    // Every thread waiting for the role finds the EOF in turn and ends.
                    let first = !endReported
                    endReported = true
                    role.signal()
                    if first { ended() }
                    return
                }
                work = handle(line)
            }
            if idle.withLock({ $0 }) == 0 { startThread() }
            role.signal()
            work?()
            idle.withLock { $0 += 1 }
        }
    }

    /// The next non-empty line, or nil at EOF (a last unterminated line counts).
    private func nextLine() -> [UInt8]? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                if line.isEmpty || line == [UInt8(ascii: "\r")] { continue }
                return line
            }
            if atEOF {
                defer { pending.removeAll() }
                return pending.isEmpty ? nil : pending
            }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                atEOF = true
                continue
            }
            pending.append(contentsOf: buffer[..<count])
        }
    }
}
