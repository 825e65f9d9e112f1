import KaiJSON

/// Keywords that check the instance itself and need no subschemas.
extension KeywordReader {
    func valueRules() throws(JSONSchemaError) -> [SchemaRule] {
        var rules: [SchemaRule] = []
        if let type = try typeRule() { rules.append(.type(type)) }
        if let values = schema["enum"] {
            guard case .array(let elements) = values else { throw error("enum", "\"enum\" must be an array") }
            rules.append(.enumeration(elements))
        }
        if let value = schema["const"] { rules.append(.constant(value)) }
        for kind in [NumericBound.Kind.minimum, .maximum, .exclusiveMinimum, .exclusiveMaximum] {
            if let limit = try number(kind.rawValue) { rules.append(.bound(NumericBound(kind: kind, limit: limit))) }
        }
        if let divisor = try number("multipleOf") {
            guard let value = divisor.doubleValue, value > 0 else {
                throw error("multipleOf", "\"multipleOf\" must be a number greater than 0")
            }
            rules.append(.multipleOf(divisor))
        }
        if let minimum = try count("minLength") { rules.append(.minLength(minimum)) }
        if let maximum = try count("maxLength") { rules.append(.maxLength(maximum)) }
        if let source = try string("pattern") {
            guard let pattern = SchemaPattern(source) else {
                throw error("pattern", "\"pattern\" \(quoted(source)) is not a valid regular expression")
            }
            rules.append(.pattern(pattern))
        }
        return rules
    }

    private func typeRule() throws(JSONSchemaError) -> TypeRule? {
        guard let value = schema["type"] else { return nil }
        let names: [String]
        switch value {
        case .string(let name): names = [name]
        case .array: names = Self.strings(in: value) ?? []
        default: names = []
        }
        guard !names.isEmpty else { throw error("type", "\"type\" must be a string or a non-empty array of strings") }
        if let unknown = names.first(where: { !TypeRule.knownNames.contains($0) }) {
            throw error("type", "unknown type \(quoted(unknown)); \(Self.suggestion(for: unknown))")
        }
        return TypeRule(names: names)
    }

    /// "did you mean …" for a near miss such as "strnig", else the full list.
    private static func suggestion(for unknown: String) -> String {
        let closest = TypeRule.knownNames.min { editDistance($0, unknown) < editDistance($1, unknown) }!
        if editDistance(closest, unknown) <= 2 { return "did you mean \(quoted(closest))?" }
        return "expected one of " + TypeRule.knownNames.map(quoted).joined(separator: ", ")
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for (i, left) in a.enumerated() {
            var current = [i + 1]
            for (j, right) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
