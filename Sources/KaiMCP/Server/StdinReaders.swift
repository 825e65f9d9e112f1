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
/// A line longer than `maxLine` (16 MiB, the HTTP body limit) is skipped
/// whole: `oversized` runs once for it (the server answers it with a
/// JSON-RPC error) and reading goes on after its newline. Each read's bytes
/// are scanned for a newline once, however long a line grows.
///
/// `@unchecked Sendable`: `buffer`, `pending`, `scanned`, `discarding`, `atEOF` and `endReported` are touched only
/// by the thread holding the role (the `role` semaphore orders them);
/// `idle` is a Mutex.
final class StdinReaders: @unchecked Sendable {
    /// Handles one line; returns work to run off the reader role (a call), or nil.
    typealias Handler = @Sendable ([UInt8]) -> (@Sendable () -> Void)?

    private let fd: Int32
    private let handle: Handler
    private let ended: @Sendable () -> Void
    private let oversized: @Sendable () -> Void
    static let maxLine = 16 << 20
    /// Made with 0 and signalled once: libdispatch traps when a semaphore is
    /// freed below the value it was made with.
    private let role = DispatchSemaphore(value: 0)
    /// Threads waiting for the role.
    private let idle = Mutex(0)
    private var buffer = [UInt8](repeating: 0, count: 64 << 10)
    private var pending: [UInt8] = []
    /// How many bytes at the start of `pending` are known to hold no newline.
    private var scanned = 0
    /// Skipping the rest of an oversized line, up to its newline.
    private var discarding = false
    private var atEOF = false
    private var endReported = false

    /// Starts reading; `ended` runs once, at EOF or a read error.
    init(fd: Int32, handle: @escaping Handler, oversized: @escaping @Sendable () -> Void, ended: @escaping @Sendable () -> Void) {
        self.fd = fd
        self.handle = handle
        self.oversized = oversized
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
                guard let next = nextLine() else {
                    // Every thread waiting for the role finds the EOF in turn and ends.
                    let first = !endReported
                    endReported = true
                    role.signal()
                    if first { ended() }
                    return
                }
                switch next {
                case .message(let line): work = handle(line)
                case .oversized: oversized()
                }
            }
            if idle.withLock({ $0 }) == 0 { startThread() }
            role.signal()
            work?()
            idle.withLock { $0 += 1 }
        }
    }

    private enum Line {
        case message([UInt8])
        case oversized
    }

    /// The next non-empty line, or nil at EOF (a last unterminated line counts).
    private func nextLine() -> Line? {
        while true {
            if let newline = pending[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                scanned = 0
                if discarding {
                    // The end of an oversized line, already answered.
                    discarding = false
                    continue
                }
                if line.count > Self.maxLine { return .oversized }
                if line.isEmpty || line == [UInt8(ascii: "\r")] { continue }
                return .message(line)
            }
            scanned = pending.count
            if discarding {
                pending.removeAll(keepingCapacity: true)
                scanned = 0
            } else if pending.count > Self.maxLine {
                pending.removeAll(keepingCapacity: true)
                scanned = 0
                discarding = true
                return .oversized
            }
            if atEOF {
                defer { pending.removeAll() }
                return pending.isEmpty ? nil : .message(pending)
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
