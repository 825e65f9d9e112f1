/// A tool's input object with typed accessors whose errors name the field.
///
/// The host validates input against the tool's inputSchema before invoke(),
/// but the plugin must not trap on bad input from a host that did not, so
/// every accessor re-checks the type it needs.
struct ToolArguments {
    let values: [String: Any]

    init(_ json: Any) throws(ToolError) {
        guard let object = json as? [String: Any] else {
            throw .invalidInput("arguments must be a JSON object, got \(JSONText.typeName(json))")
        }
        values = object
    }

    func has(_ key: String) -> Bool { values[key] != nil }

    func string(_ key: String) throws(ToolError) -> String? {
        guard let value = values[key] else { return nil }
        guard let string = value as? String else { throw mistyped(key, value, "a string") }
        return string
    }

    func requiredString(_ key: String) throws(ToolError) -> String {
        guard let string = try string(key) else { throw missing(key) }
        return string
    }

    func number(_ key: String) throws(ToolError) -> Double? {
        guard let value = values[key] else { return nil }
        guard let number = JSONText.number(value) else { throw mistyped(key, value, "a number") }
        return number
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(ToolError) -> Int? {
        guard let value = values[key] else { return nil }
        guard let integer = JSONText.integer(value) else { throw mistyped(key, value, "an integer") }
        guard range.contains(integer) else {
            throw .invalidInput(
                "'\(key)' must be between \(range.lowerBound) and \(range.upperBound), got \(integer)",
                field: key)
        }
        return integer
    }

    func bool(_ key: String) throws(ToolError) -> Bool? {
        guard let value = values[key] else { return nil }
        guard let bool = JSONText.bool(value) else { throw mistyped(key, value, "a boolean") }
        return bool
    }

    /// A string that must be one of `choices`; the error lists them.
    func choice(_ key: String, _ choices: [String]) throws(ToolError) -> String? {
        guard let string = try string(key) else { return nil }
        guard choices.contains(string) else {
            throw .invalidInput(
                "'\(key)' must be one of \(choices.joined(separator: ", ")); got '\(string)'",
                field: key)
        }
        return string
    }

    func missing(_ key: String) -> ToolError {
        .invalidInput("missing required field '\(key)'", field: key)
    }

    private func mistyped(_ key: String, _ value: Any, _ expected: String) -> ToolError {
        .invalidInput("'\(key)' must be \(expected), got \(JSONText.typeName(value))", field: key)
    }
}
