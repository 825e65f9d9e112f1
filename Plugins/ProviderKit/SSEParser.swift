/// Splits a server-sent-events byte stream into events' data, incrementally:
/// bytes arrive in whatever pieces TCP gives, and each complete event
/// (ended by a blank line) is handed on at once.
///
/// Only `data:` fields matter (OpenAI's chunks and Anthropic's events
/// both carry their type inside the data); comments (`: ping`),
/// `event:`, `id:` and `retry:` lines are skipped. Lines may end in LF or
/// CRLF; several data lines of one event join with LF, as the spec says.
package struct SSEParser {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false

    /// Feeds bytes; `onEvent` gets each complete event's data and answers
    /// false to stop parsing (the rest of `bytes` is dropped).
    package init() {}

    package mutating func feed(_ bytes: UnsafeRawBufferPointer, onEvent: ([UInt8]) -> Bool) -> Bool {
        for byte in bytes {
            guard byte == UInt8(ascii: "\n") else {
                line.append(byte)
                continue
            }
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            defer { line.removeAll(keepingCapacity: true) }
            if line.isEmpty {
                guard hasData else { continue }
                let event = data
                data.removeAll(keepingCapacity: true)
                hasData = false
                if !onEvent(event) { return false }
            } else {
                takeField()
            }
        }
        return true
    }

    /// The data of an event the stream ended without a blank line after,
    /// if any (some servers close right after the last data line).
    package mutating func finish() -> [UInt8]? {
        if !line.isEmpty {
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            takeField()
            line.removeAll()
        }
        guard hasData else { return nil }
        hasData = false
        return data
    }

    private mutating func takeField() {
        let prefix: [UInt8] = Array("data:".utf8)
        guard line.count >= prefix.count, Array(line[0..<prefix.count]) == prefix else { return }
        var value = line[prefix.count...]
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        if hasData { data.append(UInt8(ascii: "\n")) }
        data.append(contentsOf: value)
        hasData = true
    }
}
