import CCurl
import Synchronization

/// The instance's idle transfers: a call takes one (or makes one) and gives
/// it back, so concurrent calls each have their own handle and a later call
/// reuses an open connection.
package final class TransferPool: Sendable {
    private let idle = Mutex<[CurlTransfer]>([])
    /// Kept idle at most; more (after a burst of parallel calls) are freed.
    /// Enough for the 50 agent runs at once Kai is measured with: at 8, 42
    /// of 50 concurrent calls made a new handle and a new connection every
    /// model turn (an idle transfer holds one keep-alive socket).
    package static let capacity = 64
    private var capacity: Int { Self.capacity }

    /// libcurl's global setup, once per process, before any handle exists
    /// (create() runs on the load thread, so this is not raced by calls).
    /// 3 is CURL_GLOBAL_ALL (SSL | WIN32), a macro Swift cannot import.
    package static let globalInit: Bool = curl_global_init(3) == CURLE_OK

    package init() {}

    package func take() -> CurlTransfer? {
        idle.withLock { $0.popLast() } ?? CurlTransfer()
    }

    /// Transfers waiting to be reused.
    package var idleCount: Int { idle.withLock { $0.count } }

    package func give(_ transfer: CurlTransfer) {
        idle.withLock { idle in
            if idle.count < capacity { idle.append(transfer) }
        }
    }
}
