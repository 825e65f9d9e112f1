import Foundation
import Synchronization

/// A half-open probe's owner, "PID-UUID-N@HOST" (RouteRun.owner): whether the
/// process holding the claim still runs. HOST is this machine's boot id and
/// pid namespace (`host`): a registry shared by many hosts (PostgreSQL), or
/// by containers with their own pid namespaces, holds claims whose pids mean
/// nothing here, and kill(pid, 0) would call a live probe dead. Such a claim
/// counts as alive until it expires (every claim has an expiry: the call's
/// deadline, or CircuitBreaker.probeLeaseWithoutDeadline). An owner of the
/// old form "PID-UUID-N" is judged by its pid, as before; one without a pid
/// (tests) counts as alive.
enum ProbeOwner {
    static func isAlive(_ owner: String) -> Bool {
        var process = Substring(owner)
        if let at = owner.lastIndex(of: "@") {
            guard let host, owner[owner.index(after: at)...] == host else { return true }  // another host's: its expiry decides
            process = owner[..<at]
        }
        guard let dash = process.firstIndex(of: "-"), let pid = pid_t(process[..<dash]), pid > 0 else { return true }
        // EPERM: the process exists, owned by someone else.
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// This host as owners name it: the kernel's boot id (new at every boot)
    /// and this process's pid namespace, "BOOT-ID:PIDNS"; read once. Nil
    /// where /proc cannot tell (owners then carry no host, judged by pid).
    static let host: String? = {
        guard let boot = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), !boot.isEmpty,
              let namespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid") else { return nil }
        // "pid:[4026531836]" -> "4026531836"
        return boot + ":" + namespace.filter(\.isNumber)
    }()

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
        return "\(pid)-\(nonce)-\(counter.add(1, ordering: .relaxed).newValue)" + suffix
    }

    /// Drawn once, by the first call (a static let is initialised once, safely).
    private static let first = (pid: getpid(), nonce: UUID().uuidString)
    private static let process = Mutex<(pid: pid_t, nonce: String)?>(nil)
    private static let counter = Atomic<Int>(0)
    private static let suffix = host.map { "@" + $0 } ?? ""
}
