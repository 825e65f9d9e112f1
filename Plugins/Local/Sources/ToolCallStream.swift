import KaiJSON

/// Streams a tool call as the grammar makes it: the output is
/// `{"name": N, "arguments": A}`, so once `"arguments":` has appeared the
/// name is known (first delta: id and name), and from then on the bytes of
/// A are argument fragments — all but a trailing run of spaces and '}',
/// which may be the outer object's end, and never a split UTF-8 scalar.
/// The fragments concatenate to A's text.
struct ToolCallStream {
    struct Delta {
        var name: String?
        var fragment: [UInt8]
    }

    private(set) var text: [UInt8] = []
    private(set) var name: String?
    private var argumentsStart: Int?
    private var emitted = 0
    private static let marker = Array(#""arguments":"#.utf8)

    mutating func append(_ piece: [UInt8]) -> Delta? {
        text += piece
        var delta: Delta?
        if argumentsStart == nil, let at = find(Self.marker) {
            // `{"name": "x",` + `}` is the object {"name": "x"}.
            var head = Array(text[..<at])
            while let last = head.last, last == UInt8(ascii: " ") || last == UInt8(ascii: ",") { head.removeLast() }
            guard let name = (try? JSONParser.parse(head + [UInt8(ascii: "}")]))?["name"]?.stringValue else { return nil }
            self.name = name
            argumentsStart = at + Self.marker.count
            emitted = argumentsStart!
            delta = Delta(name: name, fragment: [])
        }
        guard argumentsStart != nil else { return nil }
        var end = text.count
        while end > emitted, text[end - 1] == UInt8(ascii: " ") || text[end - 1] == UInt8(ascii: "}") { end -= 1 }
        end = Self.scalarBoundary(text, emitted, end)
        guard end > emitted || delta != nil else { return nil }
        let fragment = Array(text[emitted..<max(end, emitted)])
        emitted = max(end, emitted)
        return Delta(name: delta?.name, fragment: fragment)
    }

    /// The rest of the arguments once generation ended: up to the outer
    /// object's closing '}'.
    mutating func finish() -> [UInt8] {
        guard argumentsStart != nil else { return [] }
        var end = text.count
        while end > emitted, text[end - 1] == UInt8(ascii: " ") { end -= 1 }
        if end > emitted, text[end - 1] == UInt8(ascii: "}") { end -= 1 }
        let rest = Array(text[emitted..<max(end, emitted)])
        emitted = max(end, emitted)
        return rest
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard text.count >= needle.count else { return nil }
        return (0...(text.count - needle.count)).first { text[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    /// The largest n in start...limit where bytes[start..<n] ends on a
    /// UTF-8 scalar boundary.
    private static func scalarBoundary(_ bytes: [UInt8], _ start: Int, _ limit: Int) -> Int {
        var n = limit
        if n < bytes.count {
            while n > start, bytes[n] & 0xC0 == 0x80 { n -= 1 }
            return n
        }
        // At the end: keep the last scalar only if all its bytes are here.
        var lead = n - 1
        while lead > start, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        guard lead >= start else { return n }
        let byte = bytes[lead]
        let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : 4
        if lead + length > n { n = lead }
        return n
    }
}
