import Foundation
import Synchronization

/// A half-open probe's owner, "PID-UUID-N" (RouteRun.owner): whether the
/// process holding the claim still runs. The registry is a local SQLite
/// file, so every kai process sharing it runs on this host and its pid is
/// meaningful here. An owner without a pid (tests) counts as alive.
enum ProbeOwner {
    static func isAlive(_ owner: String) -> Bool {
        guard let dash = owner.firstIndex(of: "-"), let pid = pid_t(owner[..<dash]), pid > 0 else { return true }
        // EPERM: the process exists, owned by someone else.
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// A name no other call (of this process or another) has: the pid, a
    /// random UUID drawn once per process, and a counter. A UUID per call
    /// opened and read /dev/urandom on every routed call.
    static func next() -> String {
        let pid = getpid()
        // The process's own nonce without a lock (every routed call asks: with
        // 50 runs at once, threads spun on a mutex here); a forked child,
        // whose pid differs, draws its own under the lock.
        let nonce = first.pid == pid ? first.nonce : process.withLock { known in
            if let known, known.pid == pid { return known.nonce }
            let fresh = (pid: pid, nonce: UUID().uuidString)  // a fork draws its own
            known = fresh
            return fresh.nonce
        }
        return "\(pid)-\(nonce)-\(counter.add(1, ordering: .relaxed).newValue)"
    }

    /// Drawn once, by the first call (a static let is initialised once, safely).
    private static let first = (pid: getpid(), nonce: UUID().uuidString)
    private static let process = Mutex<(pid: pid_t, nonce: String)?>(nil)
    private static let counter = Atomic<Int>(0)
}
