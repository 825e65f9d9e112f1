import KaiJSON
import Yams

/// Converts a YAML subtree (a plugin's `config:`) to `JSONValue`, recording
/// where each member and element is written so that a schema violation at
/// `$.limits[0]` can be reported at its line.
struct YAMLToJSON {
    /// Aliases share nodes, so a tiny file can expand into billions of values
    /// ("billion laughs"); stop long before that.
    static let maximumValues = 100_000

    let file: String
    /// Human-readable name of the subtree's root, e.g. `plugins[1].config`.
    let label: String
    private(set) var positions: [[String]: SourcePosition] = [:]
    private var count = 0

    init(file: String, label: String) {
        self.file = file
        self.label = label
    }

    mutating func convert(_ node: Node, at path: [String] = []) throws(ConfigError) -> JSONValue {
        count += 1
        guard count <= Self.maximumValues else {
            throw error(node, [], "expands to more than \(Self.maximumValues) values. Reduce its size or its use of aliases.")
        }
        switch node {
        case .scalar(let scalar):
            return try scalarValue(scalar.string, node, path)
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            for (index, element) in sequence.enumerated() {
                let elementPath = path + [String(index)]
                if let position = YAMLCoreSchema.position(element.mark) { positions[elementPath] = position }
                elements.append(try convert(element, at: elementPath))
            }
            return .array(elements)
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw error(key, path, "has a key that is \(YAMLCoreSchema.describe(key)). Keys must be plain text.")
                }
                let name = keyScalar.string
                guard object[name] == nil else {
                    throw error(key, path, "has the key \"\(name)\" twice. Keep one of them.")
                }
                let memberPath = path + [name]
                if let position = YAMLCoreSchema.position(key.mark) { positions[memberPath] = position }
                object[name] = try convert(value, at: memberPath)
            }
            return .object(object)
        case .alias:
            throw error(node, path, "uses an unresolved alias. Replace it with the value.")
        }
    }

    private func scalarValue(_ text: String, _ node: Node, _ path: [String]) throws(ConfigError) -> JSONValue {
        switch YAMLCoreSchema.tagName(node) {
        case "str":
            return .string(text)
        case "null":
            return .null
        case "bool":
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw error(node, path, "is tagged !!bool but is \"\(text)\". Write true or false.")
            }
        case "int":
            if let value = Self.integer(text) { return value }
            throw error(node, path, "is tagged !!int but is \"\(text)\". Write a whole number.")
        case "float":
            if let value = Double(text), value.isFinite { return .number(value) }
            throw error(node, path, "is \(text), which JSON cannot represent. Use a finite number or a string.")
        case let tag:
            throw error(node, path, "has the tag !\(tag), which has no JSON equivalent. Remove the tag or quote the value.")
        }
    }

    /// Decimal, `0o` octal or `0x` hex; beyond `Int64` becomes a `number`, as in JSON.
    static func integer(_ text: String) -> JSONValue? {
        let radix: Int
        let digits: Substring
        if text.hasPrefix("0o") {
            (radix, digits) = (8, text.dropFirst(2))
        } else if text.hasPrefix("0x") {
            (radix, digits) = (16, text.dropFirst(2))
        } else {
            if let value = Int64(text) { return .integer(value) }
            return Double(text).map(JSONValue.number)
        }
        return Int64(digits, radix: radix).map(JSONValue.integer)
    }

    private func error(_ node: Node, _ path: [String], _ problem: String) -> ConfigError {
        let where_ = path.isEmpty ? label : "\(label).\(path.joined(separator: "."))"
        return ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(node.mark), "\(where_) \(problem)")
    }
}
