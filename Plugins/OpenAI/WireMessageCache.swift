import KaiJSON
import Synchronization

/// The wire form of recent conversations' messages, kept between calls.
/// An agent sends its whole history every model turn, and the history
/// only grows: the messages an earlier call already wrote — identical as
/// written (JSONValue.isIdentical), so their wire bytes are the same — are
/// taken from here, and only the new ones are written.
final class WireMessageCache: Sendable {
    private struct Entry {
        var id: UInt64
        var messages: [JSONValue]
        /// Their wire form, comma-separated, without the brackets.
        var bytes: [UInt8]
    }

    /// Most recent first; a few dozen conversations at once.
    private let entries = Mutex<(next: UInt64, list: [Entry])>((0, []))
    private static let capacity = 64
    /// A conversation longer than this is written whole every time.
    private static let largestKept = 256 << 10

    /// The wire bytes of `messages` (comma-separated, no brackets), with
    /// `write` called only for the messages no kept entry covers.
    func bytes(of messages: [JSONValue], write: (JSONValue, inout [UInt8]) -> Void) -> [UInt8] {
        // Looked through outside the lock (the list is copied by reference):
        // runs at once do not queue on each other's comparisons.
        let known = entries.withLock { $0.list }.first { Self.isPrefix($0.messages, of: messages) }
        var bytes = known?.bytes ?? []
        let start = known?.messages.count ?? 0
        if start < messages.count { bytes.reserveCapacity(bytes.count + (messages.count - start) * 200) }
        for index in start..<messages.count {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            write(messages[index], &bytes)
        }
        guard start < messages.count, bytes.count <= Self.largestKept else { return bytes }
        entries.withLock { state in
            // The entry this one grew from is superseded by it.
            if let known, let old = state.list.firstIndex(where: { $0.id == known.id }) { state.list.remove(at: old) }
            state.next += 1
            state.list.insert(Entry(id: state.next, messages: messages, bytes: bytes), at: 0)
            if state.list.count > Self.capacity { state.list.removeLast() }
        }
        return bytes
    }

    /// The wire form of a request's tools (the same every turn of a run,
    /// schemas and all): the last few kept, looked up by identity.
    func toolBytes(of tools: [JSONValue], write: ([JSONValue]) -> [UInt8]) -> [UInt8] {
        let kept = recentTools.withLock { $0 }
        if let known = kept.first(where: { $0.tools.count == tools.count && JSONValue.array($0.tools).isIdentical(to: .array(tools)) }) {
            return known.bytes
        }
        let bytes = write(tools)
        recentTools.withLock { recent in
            recent.insert((tools, bytes), at: 0)
            if recent.count > 8 { recent.removeLast() }
        }
        return bytes
    }

    private let recentTools = Mutex<[(tools: [JSONValue], bytes: [UInt8])]>([])

    private static func isPrefix(_ kept: [JSONValue], of messages: [JSONValue]) -> Bool {
        guard !kept.isEmpty, kept.count <= messages.count else { return false }
        // Last first: conversations that share a start differ at the end.
        for index in kept.indices.reversed() where !kept[index].isIdentical(to: messages[index]) { return false }
        return true
    }
}
