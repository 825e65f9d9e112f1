/// A strict RFC 8259 recogniser that reports each construct to a `JSONBuilder`.
///
/// It works on raw bytes with an explicit depth counter, so hostile input can
/// neither overflow the stack nor make the host and a plugin disagree about
/// what a document means.
struct JSONGrammar<Builder: JSONBuilder> {
    /// Containers nested deeper than this are rejected before recursing.
    static var maxDepth: Int { 512 }

    let bytes: UnsafeRawBufferPointer
    var position = 0
    var depth = 0
    /// Decoded contents of the last string that contained escapes.
    var scratch: [UInt8] = []

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Parses exactly one value surrounded only by whitespace.
    mutating func parseDocument() throws(JSONParseError) -> Builder.Value {
        let value = try parseValue()
        skipWhitespace()
        if position < bytes.count {
            throw failure("trailing characters after JSON value", at: position)
        }
        return value
    }

    mutating func parseValue() throws(JSONParseError) -> Builder.Value {
        skipWhitespace()
        guard position < bytes.count else { throw endOfInput() }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""):
            let token = try scanString()
            return withContents(of: token) { Builder.makeString($0) }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return Builder.makeBool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return Builder.makeBool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return Builder.makeNull()
        case UInt8(ascii: "/"):
            throw failure("comments are not allowed in JSON", at: position)
        case let byte:
            throw failure("unexpected \(Self.describe(byte)) where a JSON value was expected", at: position)
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> Builder.Value {
        try enterContainer()
        var array = Builder.beginArray()
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return Builder.endArray(array)
        }
        while true {
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                throw failure("trailing comma in array", at: position)
            }
            Builder.append(try parseValue(), to: &array)
            skipWhitespace()
            guard position < bytes.count else { throw endOfInput() }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "]") { break }
            throw failure("expected ',' or ']' after array element", at: position - 1)
        }
        depth -= 1
        return Builder.endArray(array)
    }

    private mutating func parseObject() throws(JSONParseError) -> Builder.Value {
        try enterContainer()
        var object = Builder.beginObject()
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return Builder.endObject(object)
        }
        var afterComma = false
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw endOfInput() }
            guard bytes[position] == UInt8(ascii: "\"") else {
                let isTrailingComma = afterComma && bytes[position] == UInt8(ascii: "}")
                throw failure(isTrailingComma ? "trailing comma in object" : "expected a string key in object", at: position)
            }
            try parseKey(into: &object)
            skipWhitespace()
            guard position < bytes.count else { throw endOfInput() }
            guard bytes[position] == UInt8(ascii: ":") else {
                throw failure("expected ':' after object key", at: position)
            }
            position += 1
            Builder.addValue(try parseValue(), to: &object)
            skipWhitespace()
            guard position < bytes.count else { throw endOfInput() }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: ",") {
                afterComma = true
                continue
            }
            if byte == UInt8(ascii: "}") { break }
            throw failure("expected ',' or '}' after object member", at: position - 1)
        }
        depth -= 1
        return Builder.endObject(object)
    }

    /// Duplicate keys are an error, not last-wins: if the host validated the
    /// last value while a plugin's own parser kept the first, a schema check
    /// could be bypassed by sending `{"path": "/etc/passwd", "path": "ok.txt"}`.
    private mutating func parseKey(into object: inout Builder.ObjectState) throws(JSONParseError) {
        let keyStart = position
        let token = try scanString()
        let isNew = withContents(of: token) { Builder.addKey($0, to: &object) }
        guard isNew else {
            let key = withContents(of: token) { String(decoding: $0, as: UTF8.self) }
            throw failure("duplicate key \(Self.quote(key)) in object", at: keyStart)
        }
    }

    private mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        if depth > Self.maxDepth {
            throw failure("nesting deeper than \(Self.maxDepth) levels", at: position)
        }
        position += 1
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let length = literal.utf8CodeUnitCount
        let matches = position + length <= bytes.count
            && (0..<length).allSatisfy { bytes[position + $0] == literal.utf8Start[$0] }
        guard matches else {
            throw failure("invalid literal, expected '\(literal)'", at: position)
        }
        position += length
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    func endOfInput() -> JSONParseError {
        failure("unexpected end of input", at: bytes.count)
    }

    func failure(_ message: String, at offset: Int) -> JSONParseError {
        JSONParseError(message: message, offset: offset, in: bytes)
    }

    /// Names a byte for an error message without echoing unprintable input.
    static func describe(_ byte: UInt8) -> String {
        if (0x21...0x7E).contains(byte) { return "character '\(Character(UnicodeScalar(byte)))'" }
        return "byte 0x" + hex(byte, digits: 2)
    }

    static func hex(_ value: some BinaryInteger, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// Quotes a key for an error message, shortened so that a hostile key
    /// cannot flood logs.
    static func quote(_ key: String) -> String {
        let limit = 64
        let shown = key.unicodeScalars.count > limit ? String(key.unicodeScalars.prefix(limit)) + "…" : key
        return JSONValue.string(shown).serialized()
    }
}
