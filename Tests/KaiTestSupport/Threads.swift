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
