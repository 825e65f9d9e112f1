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

/// The descriptor behind kai_host_cancel_v1.cancel_fd: its read end is
/// handed to the plugin and turns readable once raised. An eventfd (one
/// descriptor) where the kernel has it, else a pipe. Descriptors that were
/// never raised go back to a small pool when their call ends: the
/// contract says plugins only poll them (never read, write or close), and
/// making and closing one per provider call was a third of the syscalls
/// of an agent step.
struct CancelSignal: Sendable {
    let readEnd: Int32
    let writeEnd: Int32

    static func make() -> CancelSignal? {
        if let pooled = pool.withLock({ $0.popLast() }) { return pooled }
        if let eventfd = Self.eventfd {
            let fd = eventfd(0, O_CLOEXEC | O_NONBLOCK)  // EFD_CLOEXEC, EFD_NONBLOCK
            if fd >= 0 { return CancelSignal(readEnd: fd, writeEnd: fd) }
        }
        var ends: [Int32] = [-1, -1]
        guard let pipe2 = Self.pipe2, pipe2(&ends, O_CLOEXEC | O_NONBLOCK) == 0 else { return nil }
        return CancelSignal(readEnd: ends[0], writeEnd: ends[1])
    }

    /// A signal that was never raised, once its call has ended and no token
    /// can reach it any more: kept for the next call (up to a few), else closed.
    static func recycle(_ signal: CancelSignal) {
        let kept = pool.withLock { pool in
            guard pool.count < poolLimit else { return false }
            pool.append(signal)
            return true
        }
        if !kept { signal.close() }
    }

    private static let poolLimit = 64
    private static let pool = Mutex<[CancelSignal]>([])

    /// pipe2(2) and eventfd(2), looked up in libc: Swift's Glibc module hides
    /// them (they need _GNU_SOURCE / sys/eventfd.h), and pipe() + fcntl would
    /// let a worker spawned in between inherit the descriptors.
    private static let pipe2: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
    }()

    private static let eventfd: (@convention(c) (UInt32, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "eventfd") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UInt32, Int32) -> Int32).self)
    }()

    /// Eight bytes, as an eventfd needs (a pipe takes them as well); a full
    /// pipe or counter (EAGAIN) is already readable.
    static func raise(_ writeEnd: Int32) {
        var one: UInt64 = 1
        _ = write(writeEnd, &one, 8)
    }

    func close() {
        _ = Glibc.close(readEnd)
        if writeEnd != readEnd { _ = Glibc.close(writeEnd) }
    }
}
