import Glibc
import Synchronization

/// Length-prefixed frames over a pipe pair, shared by several threads.
///
/// Any thread may send. Threads waiting for frames take turns reading
/// (leader/follower): whichever waiter finds no reader reads the next frame
/// itself and either keeps it (its own) or queues it for its owner. With
/// one call in flight the caller reads its own answer, so a round trip
/// costs two pipe wake-ups and no thread hand-off, or none when the reader
/// catches the frame while polling briefly before it blocks (ReadSpin).
///
/// `@unchecked Sendable`: the queues and flags are guarded by `monitor`;
/// the read buffer and `spin` are touched only by the thread holding the
/// reader role (`reading`), which is handed over under `monitor`; writes are
/// serialized by `writeLock`.
final class FrameMux: @unchecked Sendable {
    enum Next {
        case frame(WorkerFrame)
        case timedOut
        case closed
    }

    private let input: Int32
    private let output: Int32
    /// Where a frame goes: the queue key of its waiter, or nil when the
    /// route handled it on the spot (log lines, cancellations).
    private let route: @Sendable (WorkerFrame) -> UInt32?
    private let monitor = Monitor()
    private let writeLock = Mutex<Void>(())

    private var reading = false
    /// Waiters that sleep until woken (not `lazy`): a reader that keeps its
    /// own frame wakes them, since one of them must take over reading.
    private var blockedFollowers = 0
    private var closed = false
    private var queues: [UInt32: [WorkerFrame]] = [:]
    /// Why reading stopped: "end of file", a failed read, or a protocol error.
    private(set) var closeReason: String?
    /// When the other side broke the protocol: what it sent, as a phrase
    /// ("a frame length of 1936287860 bytes ..."). Set before `closed`.
    private(set) var protocolViolation: String?

    private var buffer: [UInt8] = []
    private var start = 0
    private var spin = ReadSpin()
    private let scratch = UnsafeMutableRawPointer.allocate(byteCount: 64 << 10, alignment: 16)

    init(input: Int32, output: Int32, route: @escaping @Sendable (WorkerFrame) -> UInt32?) {
        self.input = input
        self.output = output
        self.route = route
    }

    deinit { scratch.deallocate() }

    /// Writes one encoded frame whole. False when the other side is gone
    /// (EPIPE: SIGPIPE is ignored in both processes).
    @discardableResult
    func send(_ frame: [UInt8]) -> Bool {
        writeLock.withLock { _ in
            frame.withUnsafeBytes { bytes in
                var sent = 0
                while sent < bytes.count {
                    let n = write(output, bytes.baseAddress! + sent, bytes.count - sent)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    sent += n
                }
                return true
            }
        }
    }

    /// The next frame queued under `key`, reading as needed, until
    /// `deadline` (monotonic ns). Frames queued before the pipe closed are
    /// still delivered; after that, `.closed`.
    ///
    /// A `lazy` waiter is not woken when the reader keeps a frame for
    /// itself; it checks every millisecond whether reading is free. A
    /// worker's idle threads wait lazily, so a call costs no extra wake-up
    /// of a second thread, while a long call still gets a reader (for
    /// cancellations and parallel requests) within a millisecond.
    func next(_ key: UInt32, until deadline: Int64, lazy: Bool = false) -> Next {
        monitor.lock()
        defer { monitor.unlock() }
        while true {
            if var queue = queues[key], !queue.isEmpty {
                let frame = queue.removeFirst()
                queues[key] = queue.isEmpty ? nil : queue
                return .frame(frame)
            }
            if closed { return .closed }
            if reading {
                let now = MonotonicClock.now()
                if now >= deadline { return .timedOut }
                if lazy {
                    monitor.wait(until: min(deadline, now + 1_000_000))
                } else {
                    blockedFollowers += 1
                    monitor.wait(until: deadline)
                    blockedFollowers -= 1
                }
                continue
            }
            reading = true
            monitor.unlock()
            let read = readFrame(until: deadline)
            var destination: UInt32?
            if case .frame(let frame) = read { destination = route(frame) }
            monitor.lock()
            reading = false
            switch read {
            case .frame(let frame) where destination == key:
                if blockedFollowers > 0 { monitor.broadcast() }
                return .frame(frame)
            case .frame(let frame):
                if let destination { queues[destination, default: []].append(frame) }
                monitor.broadcast()
            case .timedOut:
                monitor.broadcast()
                return .timedOut
            case .closed(let reason):
                closed = true
                closeReason = reason
                monitor.broadcast()
            case .broken(let detail):
                closed = true
                closeReason = "protocol error: \(detail)"
                protocolViolation = detail
                monitor.broadcast()
            }
        }
    }

    private enum Read {
        case frame(WorkerFrame)
        case timedOut
        case closed(String)
        /// Bytes that are not a frame: reading cannot go on.
        case broken(String)
    }

    /// Reads until one whole frame is buffered. Only the reader calls this.
    /// Polls briefly before the first blocking wait (see ReadSpin).
    private func readFrame(until deadline: Int64) -> Read {
        var polled = false
        while true {
            switch parseBuffered() {
            case .success(let frame?): return .frame(frame)
            case .failure(let error): return .broken(error.description)
            case .success(nil): break
            }
            if !polled {
                polled = true
                if spin.awaitReadable(input, until: deadline) {
                    if let read = readOnce() { return read }
                    continue
                }
            }
            if deadline != MonotonicClock.noDeadline {
                let remaining = deadline - MonotonicClock.now()
                if remaining <= 0 { return .timedOut }
                var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
                let ms = Int32(min((remaining + 999_999) / 1_000_000, Int64(Int32.max)))
                let ready = poll(&descriptor, 1, ms)
                if ready == 0 { continue }
                if ready < 0 && errno != EINTR { return .closed("poll failed: \(String(cString: strerror(errno)))") }
                if ready < 0 { continue }
            }
            if let read = readOnce() { return read }
        }
    }

    /// One read() into the buffer: nil when the caller should parse (or
    /// retry after EINTR), else why reading stopped.
    private func readOnce() -> Read? {
        let n = read(input, scratch, 64 << 10)
        if n == 0 { return .closed("end of file") }
        if n < 0 {
            if errno == EINTR { return nil }
            return .closed("read failed: \(String(cString: strerror(errno)))")
        }
        buffer.append(contentsOf: UnsafeRawBufferPointer(start: scratch, count: n))
        return nil
    }

    private func parseBuffered() -> Result<WorkerFrame?, FrameError> {
        let available = buffer.count - start
        guard available >= 4 else { return .success(nil) }
        let length = Int(UInt32(buffer[start]) | UInt32(buffer[start + 1]) << 8 | UInt32(buffer[start + 2]) << 16 | UInt32(buffer[start + 3]) << 24)
        guard length >= WorkerFrame.headerLength - 4, length <= WorkerFrame.maxLength else {
            return .failure(FrameError(
                description: "a frame length of \(length) bytes, where frames are \(WorkerFrame.headerLength - 4) to \(WorkerFrame.maxLength) bytes"))
        }
        guard available >= 4 + length else { return .success(nil) }
        let base = start + 4
        guard let kind = WorkerFrame.Kind(rawValue: buffer[base]) else {
            return .failure(FrameError(description: "a frame of unknown kind \(buffer[base])"))
        }
        let id = UInt32(buffer[base + 1]) | UInt32(buffer[base + 2]) << 8 | UInt32(buffer[base + 3]) << 16 | UInt32(buffer[base + 4]) << 24
        let frame = WorkerFrame(kind: kind, id: id, payload: Array(buffer[(base + 5)..<(start + 4 + length)]))
        start += 4 + length
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            start = 0
        } else if start > 1 << 20 {
            buffer.removeFirst(start)
            start = 0
        }
        return .success(frame)
    }
}
