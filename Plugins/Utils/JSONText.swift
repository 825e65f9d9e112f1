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
        if type(of: value) == [String: Double].self, let fast = numbers(value as! [String: Double]) { return fast }
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

    /// `calculate`'s {"result": x}, written as JSONSerialization writes it
    /// (sorted keys; a finite double as its description less a trailing
    /// ".0": 42, 0.1, 1e+16) without its type checks and casts, which cost
    /// ten times the tool's own work. Nil (the general path) for a
    /// non-finite number or a key that might need escaping.
    private static func numbers(_ object: [String: Double]) -> [UInt8]? {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (offset, key) in object.keys.sorted().enumerated() {
            let number = object[key]!
            guard number.isFinite, !key.isEmpty, key.utf8.allSatisfy(isPlainKeyByte) else { return nil }
            if offset > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: key.utf8)
            out.append(contentsOf: "\":".utf8)
            var text = number.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            out.append(contentsOf: text.utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func isPlainKeyByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
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
