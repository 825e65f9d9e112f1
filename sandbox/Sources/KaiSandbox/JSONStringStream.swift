/// Decodes the content of one JSON string (between its quotes) given in
/// chunks into UTF-8 bytes; an escape split between chunks is carried over.
struct JSONStringStream {
    private enum State { case plain, escape, unicode(digits: Int, value: UInt32) }
    private var state = State.plain
    /// A `\uD800`–`\uDBFF` waiting for its low half.
    private var high: UInt32?

    mutating func decode(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if case .plain = state {
                let end = index + ReportScanner.distance(in: bytes, from: index, toEither: UInt8(ascii: "\\"), UInt8(ascii: "\\"))
                if end > index { flushHigh(&output) }
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<end]))
                if end < bytes.count { state = .escape }
                index = end + 1
                continue
            }
            step(bytes[index], into: &output)
            index += 1
        }
        return output
    }

    private mutating func step(_ byte: UInt8, into output: inout [UInt8]) {
        switch state {
        case .plain:
            break
        case .escape:
            let simple: [UInt8: UInt8] = [0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09]
            if byte == UInt8(ascii: "u") {
                state = .unicode(digits: 0, value: 0)
                return
            }
            flushHigh(&output)
            output.append(simple[byte] ?? byte)
            state = .plain
        case .unicode(let digits, let value):
            let digit = UInt32(hexValue(byte))
            if digits < 3 {
                state = .unicode(digits: digits + 1, value: value << 4 | digit)
                return
            }
            state = .plain
            scalar(value << 4 | digit, into: &output)
        }
    }

    private mutating func scalar(_ value: UInt32, into output: inout [UInt8]) {
        if (0xd800...0xdbff).contains(value) {
            flushHigh(&output)
            high = value
            return
        }
        var code = value
        if (0xdc00...0xdfff).contains(value) {
            guard let first = high else { return append(0xfffd, &output) }
            code = 0x10000 + ((first - 0xd800) << 10) + (value - 0xdc00)
            high = nil
        } else {
            flushHigh(&output)
        }
        append(code, &output)
    }

    /// A high surrogate with no low half after it is not a character.
    private mutating func flushHigh(_ output: inout [UInt8]) {
        if high != nil {
            high = nil
            append(0xfffd, &output)
        }
    }

    private func append(_ code: UInt32, _ output: inout [UInt8]) {
        output.append(contentsOf: String(Unicode.Scalar(code).map(Character.init) ?? "\u{fffd}").utf8)
    }

    private func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: 0
        }
    }
}
