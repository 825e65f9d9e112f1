/// Splits a server-sent-events byte stream into events' data, incrementally:
/// bytes arrive in whatever pieces TCP gives, and each complete event
/// (ended by a blank line) is handed on at once.
///
/// Only `data:` fields matter (OpenAI's chunks and Anthropic's events
/// both carry their type inside the data); comments (`: ping`),
/// `event:`, `id:` and `retry:` lines are skipped. Lines may end in LF,
/// CRLF or a bare CR, as the spec allows; several data lines of one event
/// join with LF, as the spec says. An event (its data and the line being
/// read) longer than `limit` stops the stream: a server that never sends a
/// newline must not grow memory without bound.
package struct SSEParser {
    package enum Outcome: Equatable {
        /// All bytes taken; more may come.
        case more
        /// `onEvent` answered false; the rest of the bytes were dropped.
        case stopped
        /// An event grew past the limit.
        case eventTooLong
    }

    /// The cap on one event, like Ollama's NDJSON lines.
    package static let defaultLimit = 16 << 20

    package let limit: Int
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    /// The last byte was a CR: an LF right after it ends no second line.
    private var afterCR = false

    package init(limit: Int = SSEParser.defaultLimit) { self.limit = limit }

    /// The limit in words for an error, e.g. "16 MiB".
    package var limitText: String { limit >= 1 << 20 ? "\(limit >> 20) MiB" : "\(limit) bytes" }

    /// Feeds bytes; `onEvent` gets each complete event's data and answers
    /// false to stop parsing (the rest of `bytes` is dropped).
    package mutating func feed(_ bytes: UnsafeRawBufferPointer, onEvent: ([UInt8]) -> Bool) -> Outcome {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
                // A run of the line's bytes is copied at once (byte by byte,
                // this loop was most of reading a short stream).
                let end = Self.lineEnd(bytes, from: index)
                let room = limit - line.count - data.count
                afterCR = false
                guard end - index <= room else {
                    if room > 0 { line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index + room])) }
                    return .eventTooLong
                }
                line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<end]))
                index = end
                continue
            }
            index += 1
            let wasCR = afterCR
            afterCR = byte == UInt8(ascii: "\r")
            if byte == UInt8(ascii: "\n") && wasCR { continue }
            defer { line.removeAll(keepingCapacity: true) }
            if line.isEmpty {
                guard hasData else { continue }
                let event = data
                data.removeAll(keepingCapacity: true)
                hasData = false
                if !onEvent(event) { return .stopped }
            } else {
                takeField()
            }
        }
        return .more
    }

    /// Where the line's bytes from `start` end: the next CR or LF, or the end.
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n"), bytes[index] != UInt8(ascii: "\r") { index += 1 }
        return index
    }

    /// The data of an event the stream ended without a blank line after,
    /// if any (some servers close right after the last data line).
    package mutating func finish() -> [UInt8]? {
        if !line.isEmpty {
            takeField()
            line.removeAll()
        }
        guard hasData else { return nil }
        hasData = false
        return data
    }

    private mutating func takeField() {
        guard line.count >= 5, line[0] == UInt8(ascii: "d"), line[1] == UInt8(ascii: "a"), line[2] == UInt8(ascii: "t"),
              line[3] == UInt8(ascii: "a"), line[4] == UInt8(ascii: ":") else { return }
        var value = line[5...]
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        if hasData { data.append(UInt8(ascii: "\n")) }
        data.append(contentsOf: value)
        hasData = true
    }
}
