import Foundation

/// A half-open probe's owner, "PID-UUID" (RouteRun.owner): whether the
/// process holding the claim still runs. The registry is a local SQLite
/// file, so every kai process sharing it runs on this host and its pid is
/// meaningful here. An owner without a pid (tests) counts as alive.
enum ProbeOwner {
    static func isAlive(_ owner: String) -> Bool {
        guard let dash = owner.firstIndex(of: "-"), let pid = pid_t(owner[..<dash]), pid > 0 else { return true }
        // EPERM: the process exists, owned by someone else.
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
