import KaiJSON

/// Reads keyword values of one schema object, checking their JSON types and
/// naming the exact schema location when a keyword is malformed.
struct KeywordReader {
    let schema: JSONObject
    let pointer: JSONPointer

    func error(_ keyword: String, _ message: String) -> JSONSchemaError {
        JSONSchemaError(path: pointer.appending(keyword).description, message: message)
    }

    func number(_ keyword: String) throws(JSONSchemaError) -> JSONValue? {
        guard let value = schema[keyword] else { return nil }
        guard value.doubleValue != nil else { throw error(keyword, "\"\(keyword)\" must be a number") }
        return value
    }

    /// A non-negative integer; `2.0` counts, as JSON Schema defines integers by value.
    func count(_ keyword: String) throws(JSONSchemaError) -> Int? {
        guard let value = schema[keyword] else { return nil }
        guard let integer = value.intValue, integer >= 0, let result = Int(exactly: integer) else {
            throw error(keyword, "\"\(keyword)\" must be a non-negative integer")
        }
        return result
    }

    func bool(_ keyword: String) throws(JSONSchemaError) -> Bool? {
        guard let value = schema[keyword] else { return nil }
        guard let flag = value.boolValue else { throw error(keyword, "\"\(keyword)\" must be a boolean") }
        return flag
    }

    func string(_ keyword: String) throws(JSONSchemaError) -> String? {
        guard let value = schema[keyword] else { return nil }
        guard let text = value.stringValue else { throw error(keyword, "\"\(keyword)\" must be a string") }
        return text
    }

    func stringList(_ keyword: String) throws(JSONSchemaError) -> [String]? {
        guard let value = schema[keyword] else { return nil }
        guard let strings = Self.strings(in: value) else {
            throw error(keyword, "\"\(keyword)\" must be an array of strings")
        }
        return strings
    }

    /// An object whose member values are subschemas; empty when absent.
    func schemaMap(_ keyword: String) throws(JSONSchemaError) -> JSONObject {
        guard let value = schema[keyword] else { return JSONObject() }
        guard let object = value.objectValue else { throw error(keyword, "\"\(keyword)\" must be an object") }
        return object
    }

    static func strings(in value: JSONValue) -> [String]? {
        guard case .array(let elements) = value else { return nil }
        var strings: [String] = []
        for element in elements {
            guard let text = element.stringValue else { return nil }
            strings.append(text)
        }
        return strings
    }
}
