import KaiJSON

/// Turns a JSON Schema into GBNF rules whose every sentence is a JSON text
/// valid against the schema, so that libllama samples only valid values.
///
/// Supported: type (one or several), properties, required, enum, const,
/// items, anyOf, oneOf, minLength, maxLength, minItems, maxItems; schema
/// annotations (title, description, default, examples, format, ...) are
/// ignored. Any other keyword constrains values in a way the grammar would
/// not enforce, so it is an error naming the keyword rather than output
/// that may fail validation.
///
/// Objects are generated with their members in the order of "properties",
/// required ones first and always present, optional ones each either
/// present or not, and no other members (valid whatever
/// additionalProperties says). oneOf is generated as anyOf: a value matching
/// two branches would break its exclusivity; avoid overlapping branches.
struct JSONSchemaGrammar {
    var gbnf = GBNF()

    static let supported: Set<String> = [
        "type", "properties", "required", "enum", "const", "items", "anyOf", "oneOf",
        "minLength", "maxLength", "minItems", "maxItems",
    ]
    static let ignored: Set<String> = [
        "$schema", "$id", "$comment", "$defs", "definitions", "title", "description", "default", "examples",
        "deprecated", "readOnly", "writeOnly", "format", "contentMediaType", "contentEncoding", "additionalProperties",
    ]

    /// A GBNF expression (a rule name or a literal) for the values `schema`
    /// accepts; new rules are named after `name`.
    mutating func expression(for schema: JSONValue, name: String, at pointer: String) throws(GrammarError) -> String {
        if case .bool(let accepts) = schema {
            guard accepts else { throw GrammarError("the schema at \(pointer.isEmpty ? "/" : pointer) is false: no value satisfies it") }
            return gbnf.primitive("value")
        }
        guard case .object(let object) = schema else {
            throw GrammarError("the schema at \(pointer.isEmpty ? "/" : pointer) is a \(schema.typeName), not an object or boolean")
        }
        for (keyword, _) in object where !Self.supported.contains(keyword) && !Self.ignored.contains(keyword) {
            throw GrammarError.unsupported(keyword: keyword, at: pointer + "/" + escape(keyword))
        }
        try rejectSiblings(of: object, at: pointer)
        if let value = object["const"] { return GBNF.literal(json: value) }
        if let values = object["enum"] {
            guard let values = values.arrayValue, !values.isEmpty else { throw GrammarError("\"enum\" at \(pointer)/enum must be a non-empty array") }
            return rule(name, values.map(GBNF.literal(json:)).joined(separator: " | "))
        }
        for keyword in ["anyOf", "oneOf"] {
            guard let branches = object[keyword] else { continue }
            guard let branches = branches.arrayValue, !branches.isEmpty else {
                throw GrammarError("\"\(keyword)\" at \(pointer)/\(keyword) must be a non-empty array")
            }
            var alternatives: [String] = []
            for (i, branch) in branches.enumerated() {
                alternatives.append(try expression(for: branch, name: "\(name)-\(i + 1)", at: "\(pointer)/\(keyword)/\(i)"))
            }
            return rule(name, alternatives.joined(separator: " | "))
        }
        let types = try self.types(of: object, at: pointer)
        if types.count == 1 { return try expression(type: types[0], object, name: name, at: pointer) }
        var alternatives: [String] = []
        for type in types {
            alternatives.append(try expression(type: type, object, name: "\(name)-\(type)", at: pointer))
        }
        return rule(name, alternatives.joined(separator: " | "))
    }

    private func types(of object: JSONObject, at pointer: String) throws(GrammarError) -> [String] {
        switch object["type"] {
        case nil:
            if object["properties"] != nil || object["required"] != nil { return ["object"] }
            if object["items"] != nil { return ["array"] }
            if object["minLength"] != nil || object["maxLength"] != nil { return ["string"] }
            return ["any"]
        case .string(let type)?: return [type]
        case .array(let list)?:
            let names = list.compactMap(\.stringValue)
            guard names.count == list.count, !names.isEmpty else { throw GrammarError("\"type\" at \(pointer)/type must name types") }
            return names
        default: throw GrammarError("\"type\" at \(pointer)/type must be a string or an array of strings")
        }
    }

    private mutating func expression(type: String, _ object: JSONObject, name: String, at pointer: String) throws(GrammarError) -> String {
        switch type {
        case "any": return gbnf.primitive("value")
        case "string": return try string(object, name: name, at: pointer)
        case "integer", "number", "boolean", "null": return gbnf.primitive(type)
        case "object": return try self.object(object, name: name, at: pointer)
        case "array": return try array(object, name: name, at: pointer)
        default: throw GrammarError("\"type\" at \(pointer)/type names \"\(type)\", which is not a JSON Schema type")
        }
    }

    private mutating func string(_ object: JSONObject, name: String, at pointer: String) throws(GrammarError) -> String {
        let (minimum, maximum) = try bounds(object, "minLength", "maxLength", at: pointer)
        if minimum == 0 && maximum == nil { return gbnf.primitive("string") }
        let char = gbnf.primitive("char")
        return rule(name, #""\"" "# + repeated(char, minimum, maximum) + #" "\"""#)
    }

    private mutating func object(_ object: JSONObject, name: String, at pointer: String) throws(GrammarError) -> String {
        let properties = object["properties"]?.objectValue ?? JSONObject()
        let required = try requiredNames(object, at: pointer)
        if properties.isEmpty && required.isEmpty {
            if object["additionalProperties"] == .bool(false) { return rule(name, #""{" ws "}""#, usesWhitespace: true) }
            return gbnf.primitive("object")
        }
        var mandatory: [String] = []
        var optional: [String] = []
        for key in required {
            let schema = properties[key] ?? .bool(true)
            mandatory.append(try member(key, schema, parent: name, at: pointer))
        }
        for (key, schema) in properties where !required.contains(key) {
            // An optional member the grammar cannot express is left out:
            // every value the model writes still satisfies the schema, and
            // the tool stays usable (calculate's `variables` has
            // propertyNames). A required one still fails.
            guard let member = try? member(key, schema, parent: name, at: pointer) else { continue }
            optional.append(member)
        }
        if mandatory.isEmpty && optional.isEmpty { return rule(name, #""{" ws "}""#, usesWhitespace: true) }
        let separator = #""," ws "#
        var body = #""{" ws "#
        if mandatory.isEmpty {
            // Which optional member comes first decides where commas go.
            let starts = optional.indices.map { first in
                ([optional[first]] + optional[(first + 1)...].map { "( \(separator)\($0) )?" }).joined(separator: " ")
            }
            body += "( " + starts.joined(separator: " | ") + " )?"
        } else {
            body += mandatory.joined(separator: " " + separator)
            for member in optional { body += " ( \(separator)\(member) )?" }
        }
        return rule(name, body + #" ws "}""#, usesWhitespace: true)
    }

    private mutating func member(_ key: String, _ schema: JSONValue, parent: String, at pointer: String) throws(GrammarError) -> String {
        let value = try expression(for: schema, name: "\(parent)-\(key)", at: "\(pointer)/properties/\(escape(key))")
        return GBNF.literal(JSONValue.string(key).serialized() + ":") + " " + gbnf.primitive("ws") + " " + value
    }

    private func requiredNames(_ object: JSONObject, at pointer: String) throws(GrammarError) -> [String] {
        guard let list = object["required"] else { return [] }
        guard let names = list.arrayValue?.compactMap(\.stringValue), names.count == list.arrayValue?.count else {
            throw GrammarError("\"required\" at \(pointer)/required must be an array of strings")
        }
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    private mutating func array(_ object: JSONObject, name: String, at pointer: String) throws(GrammarError) -> String {
        let item = try expression(for: object["items"] ?? .bool(true), name: "\(name)-item", at: pointer + "/items")
        let (minimum, maximum) = try bounds(object, "minItems", "maxItems", at: pointer)
        if maximum == 0 { return rule(name, #""[" ws "]""#, usesWhitespace: true) }
        let rest = repeated(#"( "," ws "# + item + " )", max(minimum - 1, 0), maximum.map { $0 - 1 })
        let items = minimum == 0 ? "( \(item) \(rest) )?" : "\(item) \(rest)"
        return rule(name, #""[" ws "# + items + #" ws "]""#, usesWhitespace: true)
    }

    /// llama.cpp's grammar parser repeats an element at most this many
    /// times (MAX_REPETITION_THRESHOLD); past it a bound would be dropped.
    static let maxRepetitions = 2000

    private func count(_ object: JSONObject, _ keyword: String, at pointer: String) throws(GrammarError) -> Int? {
        guard let value = object[keyword] else { return nil }
        guard let n = value.intValue, n >= 0, n <= Self.maxRepetitions else {
            throw GrammarError("\"\(keyword)\" at \(pointer)/\(keyword) must be an integer from 0 to \(Self.maxRepetitions) for the local provider's grammar")
        }
        return Int(n)
    }

    /// A lower and upper bound; a minimum above the maximum is a schema no
    /// value satisfies (and llama.cpp's parser would loop on it, unsigned).
    private func bounds(_ object: JSONObject, _ low: String, _ high: String, at pointer: String) throws(GrammarError) -> (Int, Int?) {
        let minimum = try count(object, low, at: pointer) ?? 0
        // An upper bound past what the grammar can count is left to the
        // host, which validates the finished value against the schema
        // anyway: bundled tools cap strings at 10000 characters, and
        // refusing their schemas would keep the local model from them.
        let maximum = object[high]?.intValue.map { $0 > Self.maxRepetitions && $0 >= minimum } == true
            ? nil : try count(object, high, at: pointer)
        if let maximum, minimum > maximum {
            throw GrammarError("\"\(low)\" \(minimum) is above \"\(high)\" \(maximum) at \(pointer): no value satisfies the schema")
        }
        return (minimum, maximum)
    }

    /// anyOf, oneOf, enum and const are generated on their own: a keyword
    /// beside them that constrains values (properties, required, type, …)
    /// would be silently dropped and calls would break the schema, so such a
    /// combination is refused. Write the constraint inside each branch.
    private func rejectSiblings(of object: JSONObject, at pointer: String) throws(GrammarError) {
        let exclusive = ["anyOf", "oneOf", "enum", "const"].filter { object[$0] != nil }
        guard let first = exclusive.first else { return }
        let others = object.keys.filter { Self.supported.contains($0) && $0 != first }.sorted()
        // "type" beside enum/const names the type of the listed values: harmless.
        let harmful = others.filter { !((first == "enum" || first == "const") && $0 == "type") }
        if let other = harmful.first {
            throw GrammarError("\"\(first)\" at \(pointer) has \"\(other)\" beside it, which the local provider's grammar cannot combine; move \"\(other)\" into each branch of \"\(first)\"")
        }
    }

    /// `element` repeated min...max times (max nil: unbounded), in GBNF.
    private func repeated(_ element: String, _ minimum: Int, _ maximum: Int?) -> String {
        switch (minimum, maximum) {
        case (0, nil): return element + "*"
        case (1, nil): return element + "+"
        case (let m, nil): return element + "{\(m),}"
        case (let m, let n?) where m == n: return element + "{\(m)}"
        case (let m, let n?): return element + "{\(m),\(n)}"
        }
    }

    private mutating func rule(_ base: String, _ body: String, usesWhitespace: Bool = false) -> String {
        if usesWhitespace { _ = gbnf.primitive("ws") }
        let name = gbnf.name(base)
        gbnf.add(name, body)
        return name
    }

    private func escape(_ key: String) -> String {
        var out = ""
        for character in key {
            switch character {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.append(character)
            }
        }
        return out
    }
}
