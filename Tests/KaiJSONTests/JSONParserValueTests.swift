import KaiJSON
import Testing

struct JSONParserValueTests {
    @Test(arguments: [
        ("0", JSONValue.integer(0), "integer"),
        ("-0", .integer(0), "integer"),
        ("42", .integer(42), "integer"),
        ("9223372036854775807", .integer(.max), "integer"),
        ("-9223372036854775808", .integer(.min), "integer"),
        ("9223372036854775808", .number(9_223_372_036_854_775_808), "number"),
        ("1.0", .number(1), "number"),
        ("1.5", .number(1.5), "number"),
        ("-2.5E-3", .number(-0.0025), "number"),
        ("1e2", .number(100), "number"),
        ("1e-400", .number(0), "number"),
        ("true", .bool(true), "boolean"),
        ("false", .bool(false), "boolean"),
        ("null", .null, "null"),
        (#""hi""#, .string("hi"), "string"),
    ])
    func parse_whenScalarIsTopLevel_keepsIntegerNumberAndBooleanDistinct(text: String, expected: JSONValue, typeName: String) throws {
        let value = try JSONParser.parse(" \t\r\n" + text + "\n")
        #expect(value == expected)
        #expect(value.typeName == typeName)
    }

    @Test func parse_whenBooleanMeetsNumber_neverConflatesThem() throws {
        let value = try JSONParser.parse("[true, 1, 1.0, false, 0]")
        #expect(value.arrayValue?.map(\.typeName) == ["boolean", "integer", "number", "boolean", "integer"])
        #expect(JSONValue.bool(true) != .integer(1))
        #expect(JSONValue.bool(false) != .integer(0))
    }

    @Test func parse_whenObjectHasMembers_preservesInsertionOrder() throws {
        let value = try JSONParser.parse(#"{"z": 1, "a": [1, {"m": null}], "k": "v"}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["z", "a", "k"])
        #expect(value["a"] == [1, ["m": nil]])
        #expect(value["missing"] == nil)
    }

    @Test(arguments: [
        (#""\uD83D\uDE00""#, "😀"),
        (#""\u00e9\u00E9""#, "éé"),
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{08}\u{0C}\n\r\t"),
        (#""a\u0000b""#, "a\u{0}b"),
        (#""plain é 😀""#, "plain é 😀"),
        (#""x\uD834\uDD1Ey""#, "x𝄞y"),
    ])
    func parse_whenStringHasEscapes_decodesThemIncludingSurrogatePairs(text: String, expected: String) throws {
        #expect(try JSONParser.parse(text) == .string(expected))
    }

    @Test func parse_whenManyKeys_usesIndexedLookupCorrectly() throws {
        let members = (0..<40).map { #""k\#($0)": \#($0)"# }.joined(separator: ",")
        let value = try JSONParser.parse("{" + members + "}")
        #expect(value["k0"] == 0)
        #expect(value["k39"] == 39)
        let duplicate = try #require(throws: JSONParseError.self) { try JSONParser.parse("{" + members + #","k17": 0}"#) }
        #expect(duplicate.message == #"duplicate key "k17" in object"#)
    }

    @Test func parse_whenKeyDiffersOnlyByEscape_treatsItAsDuplicate() throws {
        let error = try #require(throws: JSONParseError.self) { try JSONParser.parse(#"{"a": 1, "\u0061": 2}"#) }
        #expect(error.description == #"duplicate key "a" in object at line 1, column 10"#)
    }

    @Test func parse_whenGivenBytesOrBuffer_matchesStringParse() throws {
        let text = #"{"a": [1, 2.5, "x"]}"#
        let fromBytes = try JSONParser.parse(Array(text.utf8))
        let fromBuffer = try Array(text.utf8).withUnsafeBytes { try JSONParser.parse($0) }
        #expect(fromBytes == (try JSONParser.parse(text)))
        #expect(fromBuffer == fromBytes)
    }
}
