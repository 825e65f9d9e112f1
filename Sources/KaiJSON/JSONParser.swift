/// Parses strict RFC 8259 JSON into `JSONValue`.
///
/// Accepts exactly one value of any type surrounded only by whitespace.
/// Rejects trailing commas, comments, leading zeros, NaN/Infinity, unescaped
/// control characters, invalid escapes, invalid UTF-8, unpaired surrogate
/// escapes, duplicate object keys, numbers beyond `Double`'s range and nesting
/// deeper than 512 levels. Thread-safe: it keeps no shared state.
public enum JSONParser {
    /// Parses `bytes`, which the caller keeps valid for the duration of the call.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        var grammar = JSONGrammar<JSONValueBuilder>(bytes)
        return try grammar.parseDocument()
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        // withUnsafeBytes is rethrows, not typed-throws, so carry the error out in a Result.
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) in try parse(buffer) }
        }
        return try result.get()
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONParseError) in try parse(UnsafeRawBufferPointer(buffer)) }
        }
        return try result.get()
    }
}
