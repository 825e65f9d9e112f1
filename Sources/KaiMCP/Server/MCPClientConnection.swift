import KaiCore
import KaiJSON
import Synchronization

/// One client's connection (stdio's only one, or an HTTP session): the
/// revision it negotiated and its requests in flight, by id, so that
/// `notifications/cancelled` reaches the right call.
final class MCPClientConnection: Sendable {
    private struct Call {
        let token: CancellationToken
        var cancelledByClient = false
    }

    private struct State {
        var protocolVersion: String?
        var calls: [String: Call] = [:]
    }

    private let state = Mutex(State())

    var protocolVersion: String? { state.withLock { $0.protocolVersion } }

    func initialized(version: String) {
        state.withLock { $0.protocolVersion = version }
    }

    /// Tracks a request's call; false when the id is already in flight.
    func begin(id: JSONValue, token: CancellationToken) -> Bool {
        let key = Self.key(id)
        return state.withLock { state in
            guard state.calls[key] == nil else { return false }
            state.calls[key] = Call(token: token)
            return true
        }
    }

    /// Ends tracking; returns whether the client cancelled the request.
    @discardableResult
    func end(id: JSONValue) -> Bool {
        state.withLock { $0.calls.removeValue(forKey: Self.key(id))?.cancelledByClient ?? false }
    }

    func cancelledByClient(id: JSONValue) -> Bool {
        state.withLock { $0.calls[Self.key(id)]?.cancelledByClient ?? false }
    }

    /// `notifications/cancelled`: cancels the call if it is still running.
    func cancel(id: JSONValue) {
        let token = state.withLock { state -> CancellationToken? in
            let key = Self.key(id)
            state.calls[key]?.cancelledByClient = true
            return state.calls[key]?.token
        }
        token?.cancel()
    }

    /// Cancels every call of this session (its HTTP session was deleted).
    func cancelAll() {
        for token in state.withLock({ $0.calls.values.map(\.token) }) { token.cancel() }
    }

    private static func key(_ id: JSONValue) -> String { id.serialized() }
}
