/// A parsed JSON document that keeps the distinctions JSON Schema cares about.
///
/// `integer` and `number` are separate cases so that a validator can tell `1`
/// from `1.5` without guessing, and `bool` never aliases a number (Foundation's
/// `NSNumber` on Linux blurs all three). Equality follows JSON Schema, not the
/// case tags: `integer(1) == number(1.0)`, and object equality ignores key order.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits in `Int64`.
    case integer(Int64)
    /// Any other finite number (has a fraction or exponent, or exceeds `Int64`).
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    /// The member named `key` when this is an object, otherwise `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The numeric value of an `integer` or `number`.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }

    /// The value as an exact `Int64`; a `number` qualifies only if it has no
    /// fraction and fits, because JSON Schema treats `2.0` as an integer.
    public var intValue: Int64? {
        switch self {
        case .integer(let value): return value
        case .number(let value): return Int64(exactly: value)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The JSON Schema type name of the case ("null", "boolean", "integer",
    /// "number", "string", "array" or "object").
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer: return "integer"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
