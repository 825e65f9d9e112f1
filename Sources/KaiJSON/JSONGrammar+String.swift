/// Where the decoded contents of a scanned string live.
enum StringToken {
    /// No escapes: the contents are these bytes of the input, already valid UTF-8.
    case raw(Range<Int>)
    /// Had escapes: the decoded contents are in `JSONGrammar.scratch`.
    case escaped
}

extension JSONGrammar {
    /// Scans a string starting at its opening quote, validating UTF-8 and
    /// escapes; copies into `scratch` only once an escape is seen.
    mutating func scanString() throws(JSONParseError) -> StringToken {
        position += 1
        let start = position
        var escaped = false
        while position < bytes.count {
            let run = position
            position = Self.plainRunEnd(bytes, from: position)
            if escaped, run < position { scratch.append(contentsOf: bytes[run..<position]) }
            guard position < bytes.count else { break }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                let token: StringToken = escaped ? .escaped : .raw(start..<position)
                position += 1
                return token
            case UInt8(ascii: "\\"):
                if !escaped {
                    scratch.removeAll(keepingCapacity: true)
                    scratch.append(contentsOf: bytes[start..<position])
                    escaped = true
                }
                try scanEscape()
            case 0x00..<0x20:
                throw failure("unescaped control character U+\(Self.hex(byte, digits: 4)) in string", at: position)
            case 0x80...:
                let length = try utf8SequenceLength()
                if escaped { scratch.append(contentsOf: bytes[position..<position + length]) }
                position += length
            default:
                if escaped { scratch.append(byte) }
                position += 1
            }
        }
        throw failure("unterminated string", at: bytes.count)
    }

    /// Where the run of plain ASCII from `start` ends (a quote, a backslash,
    /// a control or non-ASCII byte, or the end): most of a string, scanned
    /// in a tight loop with locals rather than through the switch below.
    @inline(__always)
    static func plainRunEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        let end = bytes.count
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return index }
            index += 1
        }
        return end
    }

    /// Calls `body` with the decoded UTF-8 of `token`.
    func withContents<R>(of token: StringToken, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        switch token {
        case .raw(let range): return body(UnsafeRawBufferPointer(rebasing: bytes[range]))
        case .escaped: return scratch.withUnsafeBytes(body)
        }
    }

    /// Decodes the escape at `position` (a backslash) into `scratch`.
    private mutating func scanEscape() throws(JSONParseError) {
        let backslash = position
        guard position + 1 < bytes.count else { throw failure("unterminated string", at: bytes.count) }
        let letter = bytes[position + 1]
        position += 2
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(letter)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"): try scanUnicodeEscape(startingAt: backslash)
        default:
            throw failure("invalid escape sequence: backslash followed by \(Self.describe(letter)) in string", at: backslash)
        }
    }

    /// Decodes `\uXXXX`, joining a UTF-16 surrogate pair written as two escapes.
    /// A lone surrogate has no UTF-8 encoding, so it is an error rather than U+FFFD.
    private mutating func scanUnicodeEscape(startingAt backslash: Int) throws(JSONParseError) {
        let unit = try hexQuad(escapeAt: backslash)
        var scalarValue = UInt32(unit)
        if (0xD800...0xDBFF).contains(unit) {
            var low: UInt16? = nil
            if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                low = try peekLowSurrogate()
            }
            guard let low else {
                throw failure("unpaired surrogate \\u\(Self.hex(unit, digits: 4)) in string", at: backslash)
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(unit) {
            throw failure("unpaired surrogate \\u\(Self.hex(unit, digits: 4)) in string", at: backslash)
        }
        // Every value reaching here is a valid scalar: surrogates were handled above.
        scratch.append(contentsOf: String(UnicodeScalar(scalarValue)!).utf8)
    }

    /// Consumes a following `\uXXXX` if it is a low surrogate; otherwise leaves
    /// `position` alone and returns `nil`.
    private mutating func peekLowSurrogate() throws(JSONParseError) -> UInt16? {
        let saved = position
        position += 2
        let unit = try hexQuad(escapeAt: saved)
        guard (0xDC00...0xDFFF).contains(unit) else {
            position = saved
            return nil
        }
        return unit
    }

    private mutating func hexQuad(escapeAt backslash: Int) throws(JSONParseError) -> UInt16 {
        guard position + 4 <= bytes.count else {
            throw failure("invalid \\u escape in string: expected 4 hex digits", at: backslash)
        }
        var value: UInt16 = 0
        for offset in 0..<4 {
            let byte = bytes[position + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid \\u escape in string: expected 4 hex digits", at: backslash)
            }
            value = value << 4 | UInt16(digit)
        }
        position += 4
        return value
    }

    /// Length of the well-formed UTF-8 sequence at `position` (lead byte ≥ 0x80),
    /// per Unicode Table 3-7: rejects overlongs, surrogates and values past U+10FFFF.
    private func utf8SequenceLength() throws(JSONParseError) -> Int {
        let lead = bytes[position]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw failure("invalid UTF-8 in string", at: position)
        }
        guard position + length <= bytes.count, secondRange.contains(bytes[position + 1]) else {
            throw failure("invalid UTF-8 in string", at: position)
        }
        for offset in 2..<length where bytes[position + offset] & 0xC0 != 0x80 {
            throw failure("invalid UTF-8 in string", at: position)
        }
        return length
    }
}
