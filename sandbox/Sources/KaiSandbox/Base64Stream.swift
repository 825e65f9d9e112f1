/// Decodes standard base64 (with `=` padding) given in chunks; a group of
/// four split between chunks is carried over.
struct Base64Stream {
    private var bits: UInt32 = 0
    private var count = 0  // sextets in `bits`

    mutating func decode(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 4 * 3 + 3)
        for byte in bytes {
            guard let value = Self.sextet(byte) else { continue }  // padding, or a line break
            bits = bits << 6 | UInt32(value)
            count += 1
            if count == 4 {
                output.append(UInt8(truncatingIfNeeded: bits >> 16))
                output.append(UInt8(truncatingIfNeeded: bits >> 8))
                output.append(UInt8(truncatingIfNeeded: bits))
                bits = 0
                count = 0
            }
        }
        // Padding ends the data: what is left are its last one or two bytes.
        if let last = bytes.last, last == UInt8(ascii: "=") {
            if count == 2 { output.append(UInt8(truncatingIfNeeded: bits >> 4)) }
            if count == 3 {
                output.append(UInt8(truncatingIfNeeded: bits >> 10))
                output.append(UInt8(truncatingIfNeeded: bits >> 2))
            }
            bits = 0
            count = 0
        }
        return output
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
