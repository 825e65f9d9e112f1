#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One pass over a launcher report given in chunks: copies it, except the
/// contents of the named top-level string fields (each left as ""), and
/// notes where those contents lie. The copy is small enough to decode as a
/// whole; the big strings are read back later from their ranges.
///
/// A plain JSON state machine (strings, escapes, nesting), so it does not
/// depend on the launcher's layout: only top-level keys of the report
/// object are matched.
struct ReportScanner {
    let bigFields: Set<String>
    private(set) var small: [UInt8] = []
    /// Content ranges (between the quotes, still JSON-escaped) by field.
    private(set) var ranges: [String: Range<Int>] = [:]
    private var offset = 0  // position in the whole input of the chunk's first byte
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var expectKey = false
    private var inKey = false
    private var key: [UInt8] = []
    private var lastKey = ""
    private var skipping: (field: String, start: Int)?

    init(bigFields: Set<String>) { self.bigFields = bigFields }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        while index < bytes.count {
            if skipping != nil && !escaped {
                // Most of a report is its big strings: jump to the next byte that matters.
                index += Self.distance(in: bytes, from: index, toEither: UInt8(ascii: "\""), UInt8(ascii: "\\"))
                if index == bytes.count { break }
            }
            let byte = bytes[index]
            defer { index += 1 }
            if inString {
                string(byte, at: offset + index)
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                if depth == 1 && expectKey {
                    inKey = true
                    key = []
                } else if depth == 1 && bigFields.contains(lastKey) {
                    skipping = (lastKey, offset + index + 1)
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth == 1 { expectKey = byte == UInt8(ascii: "{") }
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ","): if depth == 1 { expectKey = true }
            case UInt8(ascii: ":"): if depth == 1 { expectKey = false }
            default: break
            }
            small.append(byte)
        }
        offset += bytes.count
    }

    /// How far from `start` the first `a` or `b` is (to the end if neither is there).
    static func distance(in bytes: UnsafeRawBufferPointer, from start: Int, toEither a: UInt8, _ b: UInt8) -> Int {
        let count = bytes.count - start
        guard count > 0, let base = bytes.baseAddress?.advanced(by: start) else { return 0 }
        let first = memchr(base, Int32(a), count).map { base.distance(to: UnsafeRawPointer($0)) } ?? count
        let second = memchr(base, Int32(b), first).map { base.distance(to: UnsafeRawPointer($0)) } ?? first
        return second
    }

    /// A byte inside a string (after its opening quote).
    private mutating func string(_ byte: UInt8, at position: Int) {
        let closes = !escaped && byte == UInt8(ascii: "\"")
        escaped = !escaped && byte == UInt8(ascii: "\\")
        if closes {
            inString = false
            if let skipped = skipping {
                ranges[skipped.field] = skipped.start..<position
                skipping = nil
            }
            if inKey {
                inKey = false
                lastKey = String(decoding: key, as: UTF8.self)
            }
        } else if inKey {
            key.append(byte)
        }
        if skipping == nil { small.append(byte) }
    }
}
