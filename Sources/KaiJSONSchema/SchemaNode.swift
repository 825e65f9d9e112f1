import KaiJSON

/// A compiled schema: the checks of one schema object, in a fixed order.
///
/// Nodes live in an array and refer to each other by index, which is what
/// lets a recursive `$ref` compile to a cycle of indices instead of an
/// infinitely deep tree. A node with no rules is the `true` schema.
struct SchemaNode: Sendable {
    var rules: [SchemaRule] = []
}

/// One compiled keyword (or group of keywords that must be evaluated together).
enum SchemaRule: Sendable {
    /// The `false` schema: nothing is valid.
    case never
    case ref(Int)
    case type(TypeRule)
    case enumeration([JSONValue])
    case constant(JSONValue)
    case bound(NumericBound)
    case multipleOf(JSONValue)
    case minLength(Int)
    case maxLength(Int)
    case pattern(SchemaPattern)
    case required([String])
    case members(MemberRule)
    case minProperties(Int)
    case maxProperties(Int)
    case propertyNames(Int)
    case dependentRequired([(property: String, requires: [String])])
    case items(ItemRule)
    case minItems(Int)
    case maxItems(Int)
    case uniqueItems
    case contains(ContainsRule)
    case allOf([Int])
    case anyOf([Int])
    case oneOf([Int])
    case not(Int)
    case conditional(if: Int, then: Int?, else: Int?)
}

/// `type`: the allowed JSON types as a bit mask, plus their spelling for messages.
struct TypeRule: Sendable {
    static let knownNames = ["array", "boolean", "integer", "null", "number", "object", "string"]
    let names: [String]
    private let mask: UInt8

    /// Returns `nil` if any name is not a JSON Schema type.
    init?(names: [String]) {
        var mask: UInt8 = 0
        for name in names {
            guard let bit = Self.bit(named: name) else { return nil }
            mask |= bit
        }
        self.names = names
        self.mask = mask
    }

    func accepts(_ value: JSONValue) -> Bool {
        mask & Self.bits(of: value) != 0
    }

    private static func bit(named name: String) -> UInt8? {
        switch name {
        case "null": return 1
        case "boolean": return 2
        case "integer": return 4
        case "number": return 8
        case "string": return 16
        case "array": return 32
        case "object": return 64
        default: return nil
        }
    }

    /// Every integer is also a number, and JSON Schema defines "integer" by
    /// value, so `1.0` is an integer too.
    private static func bits(of value: JSONValue) -> UInt8 {
        switch value {
        case .null: return 1
        case .bool: return 2
        case .integer: return 4 | 8
        case .number(let number): return number.rounded(.towardZero) == number ? 4 | 8 : 8
        case .string: return 16
        case .array: return 32
        case .object: return 64
        }
    }
}

/// `minimum`, `maximum`, `exclusiveMinimum` or `exclusiveMaximum`.
struct NumericBound: Sendable {
    enum Kind: String, Sendable {
        case minimum, maximum, exclusiveMinimum, exclusiveMaximum
    }

    var kind: Kind
    /// Kept as a `JSONValue` so that integer limits compare exactly and print without a fraction.
    var limit: JSONValue
}

/// `properties`, `patternProperties` and `additionalProperties`, which must be
/// evaluated together because "additional" means "matched by neither of the others".
struct MemberRule: Sendable {
    var properties = PropertyTable()
    var patterns: [(pattern: SchemaPattern, node: Int)] = []
    var additional: Int?
    /// `additionalProperties: false`, reported per property rather than as a `false` schema.
    var additionalForbidden = false
}

/// `prefixItems`/`items`, or draft-07 `items` (array form) with `additionalItems`.
struct ItemRule: Sendable {
    var prefix: [Int] = []
    var rest: Int?
    var restForbidden = false
    /// The keyword that supplied `rest`, for messages: "items" or "additionalItems".
    var restKeyword = "items"
}

/// `contains` with its `minContains`/`maxContains` bounds.
struct ContainsRule: Sendable {
    var node: Int
    var minimum = 1
    var maximum: Int?
    /// Whether `minContains` was written, which changes the keyword named on failure.
    var hasExplicitMinimum = false
}

/// `properties` names mapped to nodes. Tool schemas have a handful of
/// properties, where comparing strings beats hashing them, so the hash index
/// is built only for larger tables.
struct PropertyTable: Sendable {
    private var names: [String] = []
    private var nodes: [Int] = []
    private var index: [String: Int]?

    subscript(name: String) -> Int? {
        get {
            if let index { return index[name] }
            return names.firstIndex(of: name).map { nodes[$0] }
        }
        set {
            // The compiler only adds each name once (schema objects have no duplicate keys).
            guard let newValue else { return }
            names.append(name)
            nodes.append(newValue)
            if names.count > 8 {
                index = Dictionary(uniqueKeysWithValues: zip(names, nodes))
            }
        }
    }
}
