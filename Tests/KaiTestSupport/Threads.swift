import Foundation
import Synchronization

/// Runs `body` on `count` real threads at once and returns the results in
/// order. Swift's cooperative pool has only as many threads as cores — too
/// few to make blocking calls overlap — hence Thread.
public func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let results = Mutex<[Int: T]>([:])
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread {
            let value = body(index)
            results.withLock { $0[index] = value }
            group.leave()
        }.start()
    }
    group.wait()
    return results.withLock { results in (0..<count).compactMap { results[$0] } }
}

/// Polls `condition` until it holds or `seconds` pass; returns whether it
/// held. For waiting on something another process does (a crash, an exit),
/// where there is nothing to block on: the bound only catches a hang.
public func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > deadline { return false }
        usleep(5_000)
    }
    return true
}

/// Whether `pid` is a live process. It has ended once it is gone, or a
/// zombie with no thread left but its leader: a leader that exits before its
/// other threads shows "Z" while they are still dying, and its parent cannot
/// reap it yet.
public func isRunning(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    guard stat[close...].dropFirst(2).hasPrefix("Z") else { return true }
    let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"))?.count ?? 0
    return threads > 1
}

/// Threads that keep every core busy while a test's body runs: for tests of
/// behaviour that must hold under load (a race a quiet machine hides).
public enum BusyThreads {
    public static func whileRunning<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        let stop = Atomic<Bool>(false)
        let stopped = DispatchGroup()
        for _ in 0..<count {
            stopped.enter()
            Thread {
                var spins = 0
                while !stop.load(ordering: .relaxed) { spins &+= 1 }
                stopped.leave()
            }.start()
        }
        defer {
            stop.store(true, ordering: .relaxed)
            stopped.wait()
        }
        return try body()
    }
}
