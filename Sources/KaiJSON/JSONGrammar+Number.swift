extension JSONGrammar {
    /// Parses a number: integers that fit `Int64` stay exact, everything else
    /// becomes a `Double`, and a value too large for `Double` is an error rather
    /// than a silent infinity.
    mutating func parseNumber() throws(JSONParseError) -> Builder.Value {
        let start = position
        let isNegative = bytes[position] == UInt8(ascii: "-")
        if isNegative { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw failure("expected a digit after '-'", at: position)
        }
        var magnitude: UInt64 = 0
        var overflowed = false
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) {
                throw failure("leading zeros are not allowed in numbers", at: start)
            }
        } else {
            while position < bytes.count, isDigit(bytes[position]) {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[position] - UInt8(ascii: "0")))
                magnitude = sum
                overflowed = overflowed || o1 || o2
                position += 1
            }
        }
        let hasFraction = try scanFraction()
        let hasExponent = try scanExponent()
        if !hasFraction, !hasExponent, !overflowed {
            if !isNegative, magnitude <= UInt64(Int64.max) {
                return Builder.makeInteger(Int64(magnitude))
            }
            if isNegative, magnitude <= UInt64(Int64.max) + 1 {
                return Builder.makeInteger(Int64(truncatingIfNeeded: 0 &- magnitude))
            }
        }
        return try makeDouble(from: start)
    }

    private mutating func scanFraction() throws(JSONParseError) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: ".") else { return false }
        position += 1
        try scanDigits(orFail: "expected a digit after the decimal point")
        return true
    }

    private mutating func scanExponent() throws(JSONParseError) -> Bool {
        guard position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") else { return false }
        position += 1
        if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
            position += 1
        }
        try scanDigits(orFail: "expected a digit in the exponent")
        return true
    }

    private mutating func scanDigits(orFail message: String) throws(JSONParseError) {
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw failure(message, at: position)
        }
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }

    private func makeDouble(from start: Int) throws(JSONParseError) -> Builder.Value {
        // The grammar above has already accepted the text, so Double's parser
        // only has to convert it; numbers of 15 bytes or fewer stay in a small
        // string and do not allocate.
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw failure("number is out of range for a double", at: start)
        }
        return Builder.makeNumber(value)
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}
