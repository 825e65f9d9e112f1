import KaiJSON
import KaiJSONSchema

/// Inputs made from a tool's inputSchema: a small valid one (the schema's
/// `examples` first, then `default`, `const`, the first `enum` value,
/// minimums, required properties only), and probes that break it.
enum SampleInput {
    /// A valid input, or nil with the violations of the best attempt.
    static func valid(for schema: JSONValue?) -> Result<JSONValue, SampleError> {
        guard let schema else { return .success(.object([:])) }
        let compiled: JSONSchema
        do {
            compiled = try JSONSchema(schema)
        } catch {
            return .failure(SampleError(message: error.description))
        }
        if let example = schema["examples"]?.arrayValue?.first, compiled.isValid(example) { return .success(example) }
        let value = sample(schema, root: schema, depth: 0)
        let violations = compiled.validate(value)
        guard violations.isEmpty else {
            return .failure(SampleError(message: "the input made from it, \(value.serialized()), breaks it: "
                + violations.map(\.description).joined(separator: "; ") + ". Add \"examples\" to the inputSchema"))
        }
        return .success(value)
    }

    private static func sample(_ schema: JSONValue, root: JSONValue, depth: Int) -> JSONValue {
        guard depth < 16 else { return .null }
        if let example = schema["examples"]?.arrayValue?.first { return example }
        if let value = schema["default"] ?? schema["const"] ?? schema["enum"]?.arrayValue?.first { return value }
        if let reference = schema["$ref"]?.stringValue, let target = resolve(reference, in: root) {
            return sample(target, root: root, depth: depth + 1)
        }
        for combinator in ["allOf", "anyOf", "oneOf"] {
            if let first = schema[combinator]?.arrayValue?.first, schema["type"] == nil {
                return sample(first, root: root, depth: depth + 1)
            }
        }
        switch typeName(schema) {
        case "object":
            var object = JSONObject()
            let properties = schema["properties"]?.objectValue ?? JSONObject()
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                object[name] = properties[name].map { sample($0, root: root, depth: depth + 1) } ?? .string("x")
            }
            return .object(object)
        case "array":
            let count = Int(schema["minItems"]?.intValue ?? 0)
            let item = schema["items"].map { sample($0, root: root, depth: depth + 1) } ?? .null
            return .array(Array(repeating: item, count: count))
        case "integer":
            if let minimum = schema["minimum"]?.doubleValue { return .integer(Int64(minimum.rounded(.up))) }
            if let minimum = schema["exclusiveMinimum"]?.doubleValue { return .integer(Int64(minimum.rounded(.down)) + 1) }
            if let maximum = schema["maximum"]?.doubleValue, maximum < 0 { return .integer(Int64(maximum.rounded(.down))) }
            return .integer(0)
        case "number":
            if let minimum = schema["minimum"]?.doubleValue { return .number(minimum) }
            if let minimum = schema["exclusiveMinimum"]?.doubleValue { return .number(minimum + 1) }
            if let maximum = schema["maximum"]?.doubleValue, maximum < 0 { return .number(maximum) }
            return .integer(0)
        case "string":
            return .string(String(repeating: "a", count: Int(schema["minLength"]?.intValue ?? 0)))
        case "boolean": return .bool(false)
        case "null": return .null
        default: return .object([:])
        }
    }

    private static func typeName(_ schema: JSONValue) -> String? {
        if let name = schema["type"]?.stringValue { return name }
        let names = schema["type"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return names.first { $0 != "null" } ?? names.first ?? (schema["properties"] != nil ? "object" : nil)
    }

    /// "#/$defs/x" within the schema document.
    private static func resolve(_ reference: String, in root: JSONValue) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var node: JSONValue? = root
        for token in reference.dropFirst().split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = node?[key] ?? Int(key).flatMap { index in node?.arrayValue.flatMap { index < $0.count ? $0[index] : nil } }
        }
        return node
    }

    /// One input the host would refuse, and what is wrong with it.
    struct Probe {
        let label: String
        let bytes: [UInt8]
    }

    /// Inputs that break `schema` in one way each: not JSON; a property of
    /// the wrong type; a required property missing; a property the schema
    /// forbids. Probes the schema would accept are left out.
    static func invalidProbes(for schema: JSONValue?, valid: JSONValue) -> [Probe] {
        var probes = [Probe(label: "non-JSON input", bytes: Array("{\"kai-validate\": ".utf8))]
        let compiled = schema.flatMap { try? JSONSchema($0) }
        func add(_ label: String, _ value: JSONValue) {
            guard let compiled, !compiled.isValid(value) else { return }
            probes.append(Probe(label: "\(label) \(value.serialized())", bytes: value.serializedBytes()))
        }
        guard case .object(let object) = valid else {
            add("wrong type", .array([.integer(1)]))
            return probes
        }
        let properties = schema?["properties"]?.objectValue ?? JSONObject()
        let required = schema?["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if let name = required.first ?? properties.keys.first {
            var wrong = object
            wrong[name] = wrongType(for: properties[name] ?? .object([:]), current: object[name])
            add("wrong type", .object(wrong))
        } else {
            add("wrong type", .array([.integer(1)]))
        }
        if let name = required.first {
            var missing = object
            missing[name] = nil
            add("missing required", .object(missing))
        }
        var extra = object
        extra["kai_validate_unexpected"] = .bool(true)
        add("extra property", .object(extra))
        return probes
    }

    private static func wrongType(for schema: JSONValue, current: JSONValue?) -> JSONValue {
        switch typeName(schema) ?? current?.typeName {
        case "string": .integer(42)
        case "object", "array": .string("not-an-\(typeName(schema) ?? "object")")
        default: .string("not-a-number")
        }
    }
}

struct SampleError: Error {
    let message: String
}
