import Glibc
import Synchronization

/// Lets a caller cancel calls in flight (e.g. on Ctrl-C). Plugins observe it
/// through kai_host.is_cancelled, or wait on a call's cancel fd
/// (kai_provider.h) when they are blocked in recv() or poll(); child calls
/// share their parent's token.
public final class CancellationToken: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Cancel fds of calls running under this token, signalled on cancel().
    private let wakeups = Mutex<Set<Int32>>([])
    /// Told once on cancel() (see whenCancelled), by id.
    private let handlers = Mutex<(next: Int, byID: [Int: @Sendable () -> Void])>((0, [:]))

    public init() {}

    public func cancel() {
        flag.store(true, ordering: .releasing)
        // Written under the lock: once unregister() returns, no write can
        // reach a descriptor its call has closed and the process reused.
        // (A non-blocking write of one byte to a pipe never waits.)
        wakeups.withLock { fds in
            for fd in fds { CancelSignal.raise(fd) }
        }
        // Outside the lock: a handler may cancel or watch other tokens.
        let told = handlers.withLock { state in
            defer { state.byID = [:] }
            return Array(state.byID.values)
        }
        for handler in told { handler() }
    }

    /// Calls `handler` once, on the thread that cancels this token (at
    /// once if it is cancelled already), unless `stopWatching` gets the
    /// returned id first. For a run that links its own token to its
    /// caller's: a thread polling the caller's token cost every run a
    /// thread and a wake-up every 20 ms.
    package func whenCancelled(_ handler: @escaping @Sendable () -> Void) -> Int {
        let id = handlers.withLock { state in
            state.next += 1
            state.byID[state.next] = handler
            return state.next
        }
        // A cancel() between the flag and the registration has taken the
        // handlers already, or will: only one of the two calls it.
        if isCancelled, handlers.withLock({ $0.byID.removeValue(forKey: id) }) != nil { handler() }
        return id
    }

    package func stopWatching(_ id: Int) {
        handlers.withLock { _ = $0.byID.removeValue(forKey: id) }
    }

    public var isCancelled: Bool {
        flag.load(ordering: .acquiring)
    }

    /// Signals `fd` on cancel(), or now if already cancelled.
    func register(_ fd: Int32) {
        wakeups.withLock { fds in
            fds.insert(fd)
            if isCancelled { CancelSignal.raise(fd) }
        }
    }

    func unregister(_ fd: Int32) {
        wakeups.withLock { _ = $0.remove(fd) }
    }
}

/// The pipe behind kai_host_cancel_v1.cancel_fd: its read end is handed to
/// the plugin and turns readable once a byte is written to the write end.
/// (A pipe rather than an eventfd: Glibc's Swift module lacks eventfd.)
struct CancelSignal: Sendable {
    let readEnd: Int32
    let writeEnd: Int32

    static func make() -> CancelSignal? {
        var ends: [Int32] = [-1, -1]
        guard let pipe2 = Self.pipe2, pipe2(&ends, O_CLOEXEC | O_NONBLOCK) == 0 else { return nil }
        return CancelSignal(readEnd: ends[0], writeEnd: ends[1])
    }

    /// pipe2(2), looked up in libc: Swift's Glibc module hides it (it needs
    /// _GNU_SOURCE), and pipe() + fcntl would let a worker spawned in
    /// between inherit the descriptors.
    private static let pipe2: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
    }()

    /// One byte is enough; a full pipe (EAGAIN) is already readable.
    static func raise(_ writeEnd: Int32) {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    func close() {
        _ = Glibc.close(readEnd)
        _ = Glibc.close(writeEnd)
    }
}
