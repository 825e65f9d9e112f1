extension JSONValue {
    /// Whether the two values are written the same: same cases, numbers of
    /// the same kind and bits, strings of the same UTF-8, object members in
    /// the same order. Stricter than `==` (JSON Schema equality: 1 == 1.0,
    /// members in any order, canonically equivalent strings): for caching
    /// what a value serializes to.
    public func isIdentical(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.number(let a), .number(let b)): return a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): return Self.sameUTF8(a, b)
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return false }
            for index in a.indices where !a[index].isIdentical(to: b[index]) { return false }
            return true
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            var right = b.makeIterator()
            for (key, value) in a {
                guard let (otherKey, otherValue) = right.next(), Self.sameUTF8(key, otherKey),
                      value.isIdentical(to: otherValue) else { return false }
            }
            return true
        default: return false
        }
    }

    /// Byte-for-byte equality of two strings' UTF-8, eight bytes at a time
    /// (String's == compares canonical equivalence; utf8.elementsEqual went
    /// byte by byte through the generic iterator).
    static func sameUTF8(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                guard x.count == y.count else { return false }
                guard let left = x.baseAddress, let right = y.baseAddress else { return true }
                let count = x.count
                var index = 0
                while index + 8 <= count {
                    let l = UnsafeRawPointer(left).loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    let r = UnsafeRawPointer(right).loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    guard l == r else { return false }
                    index += 8
                }
                while index < count {
                    guard left[index] == right[index] else { return false }
                    index += 1
                }
                return true
            }
        }
    }
}
