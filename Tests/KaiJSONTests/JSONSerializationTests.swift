import KaiJSON
import Testing

struct JSONSerializationTests {
    @Test func serialized_byDefault_isCompactInInsertionOrder() {
        let value: JSONValue = ["b": [1, 2.5, "x"], "a": nil, "c": true]
        #expect(value.serialized() == #"{"b":[1,2.5,"x"],"a":null,"c":true}"#)
        #expect(value.serialized(sortedKeys: true) == #"{"a":null,"b":[1,2.5,"x"],"c":true}"#)
        #expect(value.serializedBytes() == Array(value.serialized().utf8))
    }

    @Test func serialized_whenPretty_indentsTwoSpacesWithSpaceAfterColon() {
        let value: JSONValue = ["a": [1, 2], "b": [:], "c": []]
        #expect(value.serialized(pretty: true) == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": []\n}")
    }

    @Test(arguments: [
        (JSONValue.string("a\"b\\c\n\t\r\u{08}\u{0C}\u{01}\u{1F}/é😀"), #""a\"b\\c\n\t\r\b\f\u0001\u001F/é😀""#),
        (.integer(-5), "-5"),
        (.integer(.min), "-9223372036854775808"),
        (.number(0.1), "0.1"),
        (.number(1e20), "1e+20"),
        (.number(-2.5e-8), "-2.5e-08"),
        (.number(1), "1.0"),
        (.number(.infinity), "null"),
    ])
    func serialized_whenScalar_escapesMinimallyAndPrintsShortestNumbers(value: JSONValue, expected: String) {
        #expect(value.serialized() == expected)
    }

    @Test(arguments: [
        #"{"a":[1,2.5,-3e-7,"x\u0001y",{"nested":[true,false,null]}],"é":"😀","big":9223372036854775807}"#,
        #"[0.1,1e+300,-0.0,123456789.125,[],{}]"#,
        #""\"\\/\b\f\n\r\t""#,
    ])
    func serialized_whenParsedBack_roundTripsToEqualValue(text: String) throws {
        let value = try JSONParser.parse(text)
        #expect(try JSONParser.parse(value.serialized()) == value)
        #expect(try JSONParser.parse(value.serialized(pretty: true, sortedKeys: true)) == value)
        #expect(try JSONParser.parse(value.serializedBytes()).serialized() == value.serialized())
    }
}
