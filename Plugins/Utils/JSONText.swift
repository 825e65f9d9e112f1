import Foundation

/// Reading and writing JSON text with Foundation, plus the type tests that
/// JSONSerialization makes awkward on Linux.
///
/// On Linux, JSONSerialization returns NSNumber for numbers AND booleans, and
/// `NSNumber(1) is Bool` is true there, so `as? Bool` cannot tell `true` from
/// `1`. Booleans come back as an NSNumber whose objCType is "c" (char); no
/// JSON number is ever decoded with that type.
enum JSONText {
    /// Parses any JSON value (fragments allowed: tools may take a bare string).
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(ToolError) -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw .invalidInput("input is not valid JSON: \(describe(error))")
        }
    }

    /// Parses JSON held in a Swift string (json_query with `parse: true`).
    static func decode(_ text: String) throws(ToolError) -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw .invalidInput("the 'json' string is not valid JSON: \(describe(error))")
        }
    }

    /// Serializes a result with sorted keys so output is deterministic.
    /// Non-finite numbers are rejected by JSONSerialization and become an
    /// error here rather than invalid JSON on the wire.
    static func encode(_ value: Any) throws(ToolError) -> [UInt8] {
        guard JSONSerialization.isValidJSONObject([value]) else {
            throw .internalError("result is not representable as JSON (non-finite number?)")
        }
        do {
            let data = try JSONSerialization.data(
                withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
            return Array(data)
        } catch {
            throw .internalError("could not serialize result: \(describe(error))")
        }
    }

    static func isBool(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    /// A JSON number (not a boolean) as a Double.
    static func number(_ value: Any) -> Double? {
        guard let number = value as? NSNumber, !isBool(value) else { return nil }
        return number.doubleValue
    }

    /// A JSON number that is an integer in Int range, without trapping.
    static func integer(_ value: Any) -> Int? {
        guard let double = number(value), double.rounded() == double else { return nil }
        return Int(exactly: double)
    }

    static func bool(_ value: Any) -> Bool? {
        guard isBool(value) else { return nil }
        return (value as? NSNumber)?.boolValue
    }

    /// The JSON type name, for error messages ("expected a string, got number").
    static func typeName(_ value: Any) -> String {
        if value is NSNull { return "null" }
        if isBool(value) { return "boolean" }
        if value is NSNumber { return "number" }
        if value is String { return "string" }
        if value is [Any] { return "array" }
        if value is [String: Any] { return "object" }
        return "unknown"
    }

    /// Foundation's NSError text carries the useful reason in the debug
    /// description; fall back to the localized one.
    private static func describe(_ error: Error) -> String {
        let nsError = error as NSError
        return (nsError.userInfo["NSDebugDescription"] as? String) ?? nsError.localizedDescription
    }
}
