import Glibc
import KaiJSON

/// The wire form of the conversation each thread last sent, kept between
/// calls. An agent sends its whole history every model turn and the
/// history only grows: the messages an earlier call already wrote —
/// identical as written (JSONValue.isIdentical), so their wire bytes are
/// the same — are taken from here, and only the new ones are written. The
/// tools, the same every turn, likewise.
///
/// One slot per thread (a run's turns come from its thread): no lock, so
/// runs at once do not queue on each other (a shared list behind a mutex
/// had 50 runs spinning on it).
///
/// @unchecked Sendable: `key` is written once in init; each slot is only
/// ever touched by its own thread.
final class WireMessageCache: @unchecked Sendable {
    private final class Slot {
        var messages: [JSONValue] = []
        /// Their wire form, comma-separated, without the brackets.
        var bytes: [UInt8] = []
        var tools: [JSONValue] = []
        var toolBytes: [UInt8] = []
    }

    /// A conversation longer than this is written whole every time.
    private static let largestKept = 256 << 10
    private var key = pthread_key_t()
    private let hasKey: Bool

    init() {
        hasKey = pthread_key_create(&key) { slot in
            if let slot { Unmanaged<Slot>.fromOpaque(slot).release() }
        } == 0
    }

    deinit {
        // Threads still running keep their slot (freed with the process).
        if hasKey { pthread_key_delete(key) }
    }

    private var slot: Slot? {
        guard hasKey else { return nil }
        if let raw = pthread_getspecific(key) { return Unmanaged<Slot>.fromOpaque(raw).takeUnretainedValue() }
        let made = Unmanaged.passRetained(Slot())
        guard pthread_setspecific(key, made.toOpaque()) == 0 else {
            made.release()
            return nil
        }
        return made.takeUnretainedValue()
    }

    /// The wire bytes of `messages` (comma-separated, no brackets), with
    /// `write` called only for the messages this thread's last call did not cover.
    func bytes(of messages: [JSONValue], write: (JSONValue, inout [UInt8]) -> Void) -> [UInt8] {
        let slot = self.slot
        let known = slot.map { Self.isPrefix($0.messages, of: messages) } ?? false
        var bytes = known ? slot!.bytes : []
        let start = known ? slot!.messages.count : 0
        for index in start..<messages.count {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            write(messages[index], &bytes)
        }
        if let slot {
            if bytes.count <= Self.largestKept {
                slot.messages = messages
                slot.bytes = bytes
            } else {
                slot.messages = []
                slot.bytes = []
            }
        }
        return bytes
    }

    /// The wire form of a request's tools: this thread's last, if identical.
    func toolBytes(of tools: [JSONValue], write: ([JSONValue]) -> [UInt8]) -> [UInt8] {
        let slot = self.slot
        if let slot, slot.tools.count == tools.count, !tools.isEmpty, JSONValue.array(slot.tools).isIdentical(to: .array(tools)) {
            return slot.toolBytes
        }
        let bytes = write(tools)
        if let slot, bytes.count <= Self.largestKept {
            slot.tools = tools
            slot.toolBytes = bytes
        }
        return bytes
    }

    private static func isPrefix(_ kept: [JSONValue], of messages: [JSONValue]) -> Bool {
        guard !kept.isEmpty, kept.count <= messages.count else { return false }
        // Last first: conversations that share a start differ at the end.
        for index in kept.indices.reversed() where !kept[index].isIdentical(to: messages[index]) { return false }
        return true
    }
}
