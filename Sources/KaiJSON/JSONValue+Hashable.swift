extension JSONValue: Hashable {
    /// JSON Schema equality: numbers compare by mathematical value regardless
    /// of case, objects compare as unordered maps.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        // Int64(exactly:) rather than Double(a) so that 2^53 + 1 never equals 2^53.
        case (.integer(let a), .number(let b)), (.number(let b), .integer(let a)):
            return Int64(exactly: b) == a
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null:
            hasher.combine(0 as UInt8)
        case .bool(let value):
            hasher.combine(1 as UInt8)
            hasher.combine(value)
        case .integer(let value):
            hashNumber(integer: value, into: &hasher)
        case .number(let value):
            // Must agree with ==: an integral double hashes like the integer it equals.
            if let exact = Int64(exactly: value) {
                hashNumber(integer: exact, into: &hasher)
            } else {
                hasher.combine(3 as UInt8)
                hasher.combine(value)
            }
        case .string(let value):
            hasher.combine(4 as UInt8)
            hasher.combine(value)
        case .array(let value):
            hasher.combine(5 as UInt8)
            hasher.combine(value)
        case .object(let value):
            hasher.combine(6 as UInt8)
            hasher.combine(value)
        }
    }

    private func hashNumber(integer: Int64, into hasher: inout Hasher) {
        hasher.combine(2 as UInt8)
        hasher.combine(integer)
    }
}
