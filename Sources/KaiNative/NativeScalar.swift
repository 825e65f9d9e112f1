import KaiJSON

/// A C number type after normalization: what libffi passes and the bridge
/// decodes. Sizes are those of LP64 Linux (x86-64, AArch64), where `long`
/// and `size_t` are 64 bits; Kai runs nowhere else.
public enum NativeScalar: String, Sendable, CaseIterable {
    case int8, int16, int32, int64, uint8, uint16, uint32, uint64
    case float, double, bool

    public var isInteger: Bool { self != .float && self != .double && self != .bool }

    /// The type's whole range as JSON Schema bounds. UINT64_MAX is not an
    /// Int64, so its bound is the nearest double; the bridge checks the
    /// exact range of 64-bit types itself.
    var bounds: (minimum: JSONValue, maximum: JSONValue)? {
        switch self {
        case .int8: (.integer(Int64(Int8.min)), .integer(Int64(Int8.max)))
        case .int16: (.integer(Int64(Int16.min)), .integer(Int64(Int16.max)))
        case .int32: (.integer(Int64(Int32.min)), .integer(Int64(Int32.max)))
        case .int64: (.integer(Int64.min), .integer(Int64.max))
        case .uint8: (.integer(0), .integer(Int64(UInt8.max)))
        case .uint16: (.integer(0), .integer(Int64(UInt16.max)))
        case .uint32: (.integer(0), .integer(Int64(UInt32.max)))
        case .uint64: (.integer(0), .number(Double(UInt64.max)))
        case .float: (.number(-Double(Float.greatestFiniteMagnitude)), .number(Double(Float.greatestFiniteMagnitude)))
        case .double, .bool: nil
        }
    }

    /// The exact range in words, for descriptions (the schema's uint64
    /// bound is rounded).
    var rangeText: String? {
        switch self {
        case .int8: "\(Int8.min) to \(Int8.max)"
        case .int16: "\(Int16.min) to \(Int16.max)"
        case .int32: "\(Int32.min) to \(Int32.max)"
        case .int64: "\(Int64.min) to \(Int64.max)"
        case .uint8: "0 to \(UInt8.max)"
        case .uint16: "0 to \(UInt16.max)"
        case .uint32: "0 to \(UInt32.max)"
        case .uint64: "0 to \(UInt64.max)"
        case .float, .double, .bool: nil
        }
    }

    /// Whether `value` (a number from the operator's config) lies in range.
    public func contains(_ value: Double) -> Bool {
        guard let bounds, let low = bounds.minimum.doubleValue, let high = bounds.maximum.doubleValue else { return self != .bool }
        return value >= low && value <= high
    }
}

extension NativeScalar {
    /// " (0 to 255)", or "" for float, double and bool.
    public var rangeDescription: String { rangeText.map { " (\($0))" } ?? "" }
}

extension NativeParameter.Shape {
    /// The number (or bool) type of a scalar parameter; nil for buffers and text.
    public var scalar: NativeScalar? {
        if case .scalar(let scalar) = self { return scalar }
        return nil
    }
}
