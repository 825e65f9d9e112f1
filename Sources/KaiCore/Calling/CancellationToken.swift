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

/// The descriptor behind kai_host_cancel_v1.cancel_fd: the read end of a
/// pipe, handed to the plugin, readable once raised. Signals that were
/// never raised go back to a small pool when their call ends: the contract
/// says plugins only poll them (never read, write or close), and making
/// and closing one per provider call was a third of the syscalls of an
/// agent step. A plugin may break the contract, though, so a signal is
/// kept only if its read end is still the pipe made here (st_dev/st_ino:
/// a closed number may be another file's by now, the registry's database
/// say) and has nothing to read (a plugin may reopen /proc/self/fd/N for
/// writing); a number that is no longer ours is forgotten, never closed.
/// Why a pipe and not an eventfd (one descriptor, as before): an eventfd
/// is writable by whoever holds it, and every eventfd shares the one
/// anonymous inode, so fstat could not tell ours from another's.
struct CancelSignal: Sendable {
    let readEnd: Int32
    let writeEnd: Int32
    /// The read end's file (st_dev, st_ino) when made.
    private let readFile: OpenFileIdentity

    static func make() -> CancelSignal? {
        if let pooled = pool.withLock({ $0.popLast() }) { return pooled }
        _ = ignoringBrokenPipes
        var ends: [Int32] = [-1, -1]
        guard let pipe2 = Self.pipe2, pipe2(&ends, O_CLOEXEC | O_NONBLOCK) == 0 else { return nil }
        guard let readFile = OpenFileIdentity(ends[0]) else {
            _ = Glibc.close(ends[0])
            _ = Glibc.close(ends[1])
            return nil
        }
        return CancelSignal(readEnd: ends[0], writeEnd: ends[1], readFile: readFile)
    }

    /// A signal that was never raised, once its call has ended and no token
    /// can reach it any more: kept for the next call (up to a few) if its
    /// plugin left it as made, else closed (what is still ours of it).
    static func recycle(_ signal: CancelSignal) {
        guard signal.isOursAndQuiet else {
            signal.close()
            return
        }
        let kept = pool.withLock { pool in
            guard pool.count < poolLimit else { return false }
            pool.append(signal)
            return true
        }
        if !kept { signal.close() }
    }

    /// The read end is still our pipe and has nothing to read. poll, not
    /// read: it cannot block, whatever flags a plugin set on the read end.
    private var isOursAndQuiet: Bool {
        guard readFile.matches(readEnd) else { return false }
        var probe = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        return poll(&probe, 1, 0) == 0
    }

    /// A plugin that closed its read end leaves the pipe without a reader:
    /// a raise must then fail with EPIPE, not kill the host (as
    /// WorkerSpawner does for workers).
    private static let ignoringBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    private static let poolLimit = 64
    private static let pool = Mutex<[CancelSignal]>([])

    /// pipe2(2), looked up in libc: Swift's Glibc module hides it (it needs
    /// _GNU_SOURCE), and pipe() + fcntl would let a worker spawned in
    /// between inherit the descriptors.
    private static let pipe2: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
    }()

    /// Eight bytes (as an eventfd needed; one would do); a full pipe
    /// (EAGAIN) is already readable.
    static func raise(_ writeEnd: Int32) {
        var one: UInt64 = 1
        _ = write(writeEnd, &one, 8)
    }

    /// Closes the write end (never handed out) and the read end if it is
    /// still ours: a number a plugin closed may be another file's now.
    func close() {
        if readFile.matches(readEnd) { _ = Glibc.close(readEnd) }
        _ = Glibc.close(writeEnd)
    }
}

/// Which file a descriptor is open on (st_dev, st_ino).
struct OpenFileIdentity: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64

    init?(_ fd: Int32) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    func matches(_ fd: Int32) -> Bool { OpenFileIdentity(fd) == self }
}
