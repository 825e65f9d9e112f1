import KaiJSON
import Testing

/// Exact error text for malformed documents: these messages reach plugin
/// authors, so their wording and positions are part of the contract.
struct JSONParserErrorTests {
    @Test(arguments: [
        (#"{"a":1,"b":2 "c":3}"#, #"expected ',' or '}' after object member at line 1, column 14"#),
        (#"{"a": 1, "a": 2}"#, #"duplicate key "a" in object at line 1, column 10"#),
        ("{\n  \"a\": 1,\n  \"a\": 2\n}", #"duplicate key "a" in object at line 3, column 3"#),
        ("[1, 2", "unexpected end of input at line 1, column 6"),
        ("", "unexpected end of input at line 1, column 1"),
        ("  \n ", "unexpected end of input at line 2, column 2"),
        ("{} x", "trailing characters after JSON value at line 1, column 4"),
        ("1 2", "trailing characters after JSON value at line 1, column 3"),
        ("[1,]", "trailing comma in array at line 1, column 4"),
        (#"{"a":1,}"#, "trailing comma in object at line 1, column 8"),
        ("[1 2]", "expected ',' or ']' after array element at line 1, column 4"),
        (#"{"a" 1}"#, "expected ':' after object key at line 1, column 6"),
        ("{1:2}", "expected a string key in object at line 1, column 2"),
        ("// note\n1", "comments are not allowed in JSON at line 1, column 1"),
        ("01", "leading zeros are not allowed in numbers at line 1, column 1"),
        ("-01", "leading zeros are not allowed in numbers at line 1, column 1"),
        ("1.", "expected a digit after the decimal point at line 1, column 3"),
        ("1e+", "expected a digit in the exponent at line 1, column 4"),
        ("-Infinity", "expected a digit after '-' at line 1, column 2"),
        ("NaN", "unexpected character 'N' where a JSON value was expected at line 1, column 1"),
        ("1e400", "number is out of range for a double at line 1, column 1"),
        ("[-1e400]", "number is out of range for a double at line 1, column 2"),
        ("tru", "invalid literal, expected 'true' at line 1, column 1"),
        ("nul", "invalid literal, expected 'null' at line 1, column 1"),
        ("[falsey]", "expected ',' or ']' after array element at line 1, column 7"),
        ("'a'", "unexpected character ''' where a JSON value was expected at line 1, column 1"),
        ("\"a\u{01}\"", "unescaped control character U+0001 in string at line 1, column 3"),
        ("\"a\nb\"", "unescaped control character U+000A in string at line 1, column 3"),
        (#""\x""#, "invalid escape sequence: backslash followed by character 'x' in string at line 1, column 2"),
        (#""\u12G4""#, #"invalid \u escape in string: expected 4 hex digits at line 1, column 2"#),
        (#""\uD800""#, #"unpaired surrogate \uD800 in string at line 1, column 2"#),
        (#""\uDC00""#, #"unpaired surrogate \uDC00 in string at line 1, column 2"#),
        (#""\uD800\u0041""#, #"unpaired surrogate \uD800 in string at line 1, column 2"#),
        (#""abc"#, "unterminated string at line 1, column 5"),
        (#"["é", x]"#, "unexpected character 'x' where a JSON value was expected at line 1, column 7"),
    ])
    func parse_whenDocumentIsMalformed_reportsMessageLineAndColumn(input: String, expected: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(input) }
        do {
            _ = try JSONParser.parse(input)
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test(arguments: [
        ([0x22, 0xC3, 0x28, 0x22], "truncated two-byte sequence"),
        ([0x22, 0xC0, 0xAF, 0x22], "overlong encoding of '/'"),
        ([0x22, 0xE0, 0x80, 0xAF, 0x22], "overlong three-byte encoding"),
        ([0x22, 0xED, 0xA0, 0x80, 0x22], "UTF-8 encoded surrogate U+D800"),
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "code point above U+10FFFF"),
        ([0x22, 0xE2, 0x82], "sequence cut off by end of input"),
        ([0x22, 0x80, 0x22], "lone continuation byte"),
        ([0x22, 0xFF, 0x22], "byte that never appears in UTF-8"),
    ] as [([UInt8], String)])
    func parse_whenStringHasInvalidUTF8_reportsInvalidUTF8(bytes: [UInt8], why: String) throws {
        let error = try #require(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
        #expect(error.description == "invalid UTF-8 in string at line 1, column 2", "\(why)")
        #expect(error.offset == 1)
    }

    @Test func parse_whenInvalidUTF8IsOutsideString_namesTheByte() throws {
        let error = try #require(throws: JSONParseError.self) { try JSONParser.parse([0xEF, 0xBB, 0xBF, 0x31]) }
        #expect(error.description == "unexpected byte 0xEF where a JSON value was expected at line 1, column 1")
    }

    @Test func parse_whenNestingIs512Levels_succeeds() throws {
        let text = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        var value = try JSONParser.parse(text)
        var depth = 0
        while case .array(let elements) = value {
            depth += 1
            guard let first = elements.first else { break }
            value = first
        }
        #expect(depth == 512)
    }

    @Test func parse_whenNestingExceeds512Levels_failsWithoutOverflowingStack() throws {
        let error = try #require(throws: JSONParseError.self) {
            try JSONParser.parse(String(repeating: "[", count: 513) + String(repeating: "]", count: 513))
        }
        #expect(error.description == "nesting deeper than 512 levels at line 1, column 513")
        let deep = try #require(throws: JSONParseError.self) {
            try JSONParser.parse(String(repeating: #"{"a":"#, count: 100_000))
        }
        #expect(deep.message == "nesting deeper than 512 levels")
    }

    @Test func parseError_exposesOffsetLineAndColumn() throws {
        let error = try #require(throws: JSONParseError.self) { try JSONParser.parse("[\n1,\n]") }
        #expect(error == JSONParseError(message: "trailing comma in array", offset: 5, line: 3, column: 1))
    }
}
