import KaiJSON
import Testing

struct JSONSyntaxTests {
    private func check(_ text: String) throws(JSONParseError) {
        let result = Array(text.utf8).withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) in try JSONSyntax.check(buffer) }
        }
        try result.get()
    }

    @Test(arguments: [#"{"a": [1, -2.5e3, true, null, "\u00e9\n"]}"#, "0", #""""#, "[]", " {} "])
    func check_whenDocumentIsWellFormed_accepts(text: String) throws {
        try check(text)
    }

    @Test(arguments: ["[1,]", "{} x", "01", "1e400", #""\uD800""#, "// c", "[1, 2", #"{"a" 1}"#])
    func check_whenDocumentIsMalformed_reportsSameErrorAsParser(text: String) throws {
        let checkError = try #require(throws: JSONParseError.self) { try check(text) }
        let parseError = try #require(throws: JSONParseError.self) { try JSONParser.parse(text) }
        #expect(checkError == parseError)
    }

    @Test func check_whenNestingExceedsLimit_rejects() throws {
        let error = try #require(throws: JSONParseError.self) { try check(String(repeating: "[", count: 600)) }
        #expect(error.description == "nesting deeper than 512 levels at line 1, column 513")
    }

    @Test func check_whenKeysAreDuplicated_acceptsAsDocumented() throws {
        try check(#"{"a": 1, "a": 2}"#)
    }
}
