import KaiJSON
import KaiJSONSchema
import Testing

/// How violations are collected, ordered and located.
struct SchemaViolationReportTests {
    static let toolSchema = #"""
    {"type": "object", "required": ["text"], "additionalProperties": false,
     "properties": {"text": {"type": "string"}, "mode": {"enum": ["upper", "lower"]}, "count": {"type": "integer", "maximum": 100}}}
    """#

    @Test func validate_whenSeveralRulesFail_reportsAllInDocumentOrder() throws {
        let schema = try compile(Self.toolSchema)
        #expect(try violations(of: #"{"count": 150, "extra": 1, "mode": "shout", "n": "x"}"#, against: schema) == [
            #"$: missing required property "text" (required)"#,
            "$.count: 150 is greater than the maximum of 100 (maximum)",
            #"$: property "extra" is not allowed (additionalProperties)"#,
            #"$.mode: "shout" is not one of ["upper", "lower"] (enum)"#,
            #"$: property "n" is not allowed (additionalProperties)"#,
        ])
    }

    @Test func validate_whenKeyIsNotIdentifier_quotesItInPath() throws {
        let schema = try compile(#"{"properties": {"a b": {"type": "string"}, "items": {"items": {"type": "integer"}}, "1x": false}}"#)
        let found = try JSONParser.parse(#"{"a b": 1, "items": [1, 2, "x"], "1x": 0}"#)
        #expect(schema.validate(found) == [
            SchemaViolation(path: #"$["a b"]"#, keyword: "type", message: "expected string, got integer"),
            SchemaViolation(path: "$.items[2]", keyword: "type", message: "expected integer, got string"),
            SchemaViolation(path: #"$["1x"]"#, keyword: "false", message: "no value is allowed here"),
        ])
    }

    @Test func validate_whenInstanceValueIsLong_shortensItInMessage() throws {
        let schema = try compile(#"{"enum": ["a"]}"#)
        let long = String(repeating: "x", count: 100)
        #expect(schema.validate(.string(long)).map(\.message) == [#"""# + String(repeating: "x", count: 63) + #"… is not one of ["a"]"#])
    }

    @Test func isValid_agreesWithValidate() throws {
        let schema = try compile(Self.toolSchema)
        for text in [#"{"text": "hi", "mode": "lower", "count": 3}"#, #"{"text": 1}"#, #"{}"#, "[]"] {
            let instance = try JSONParser.parse(text)
            #expect(schema.isValid(instance) == schema.validate(instance).isEmpty, "\(text)")
        }
    }

    @Test func validate_whenSchemaIsSharedAcrossTasks_givesSameResults() async throws {
        let schema = try compile(Self.toolSchema)
        let instance = try JSONParser.parse(#"{"text": 1}"#)
        let results = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { schema.validate(instance).count } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: 1, count: 8))
    }
}
