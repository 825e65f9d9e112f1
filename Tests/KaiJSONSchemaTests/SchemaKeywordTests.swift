import KaiJSON
import KaiJSONSchema
import Testing

/// Every supported keyword with an instance it accepts and one it rejects,
/// asserting the exact violation text.
struct SchemaKeywordTests {
    static let cases: [KeywordCase] = [
        // type
        .init(schema: #"{"type": "integer"}"#, valid: "1.0", invalid: #""x""#, violations: ["$: expected integer, got string (type)"]),
        .init(schema: #"{"type": "integer"}"#, valid: "-7", invalid: "1.5", violations: ["$: expected integer, got number (type)"]),
        .init(schema: #"{"type": "integer"}"#, valid: "0", invalid: "true", violations: ["$: expected integer, got boolean (type)"]),
        .init(schema: #"{"type": "number"}"#, valid: "3", invalid: "null", violations: ["$: expected number, got null (type)"]),
        .init(schema: #"{"type": ["string", "null"]}"#, valid: "null", invalid: "1", violations: ["$: expected string or null, got integer (type)"]),
        .init(schema: #"{"type": ["array", "object", "boolean"]}"#, valid: "{}", invalid: #""s""#, violations: ["$: expected array, object or boolean, got string (type)"]),
        // object keywords
        .init(schema: #"{"properties": {"n": {"type": "integer"}}}"#, valid: #"{"n": 1, "other": "x"}"#, invalid: #"{"n": "x"}"#, violations: ["$.n: expected integer, got string (type)"]),
        .init(schema: #"{"required": ["text"]}"#, valid: #"{"text": ""}"#, invalid: #"{"txt": ""}"#, violations: [#"$: missing required property "text" (required)"#]),
        .init(schema: #"{"properties": {"a": {}}, "additionalProperties": false}"#, valid: #"{"a": 1}"#, invalid: #"{"a": 1, "extra": 2}"#, violations: [#"$: property "extra" is not allowed (additionalProperties)"#]),
        .init(schema: #"{"additionalProperties": {"type": "string"}}"#, valid: #"{"x": "y"}"#, invalid: #"{"x": 1}"#, violations: ["$.x: expected string, got integer (type)"]),
        .init(schema: #"{"patternProperties": {"^n_": {"type": "integer"}}, "additionalProperties": false}"#, valid: #"{"n_a": 1}"#, invalid: #"{"n_a": "x", "b": 1}"#,
              violations: ["$.n_a: expected integer, got string (type)", #"$: property "b" is not allowed (additionalProperties)"#]),
        .init(schema: #"{"propertyNames": {"pattern": "^[a-z]+$"}}"#, valid: #"{"abc": 1}"#, invalid: #"{"abc": 1, "Abc": 1}"#, violations: [#"$: property name "Abc" does not match the propertyNames schema (propertyNames)"#]),
        .init(schema: #"{"minProperties": 2}"#, valid: #"{"a": 1, "b": 2}"#, invalid: #"{"a": 1}"#, violations: ["$: object has 1 property, fewer than the minimum of 2 (minProperties)"]),
        .init(schema: #"{"maxProperties": 1}"#, valid: #"{"a": 1}"#, invalid: #"{"a": 1, "b": 2}"#, violations: ["$: object has 2 properties, more than the maximum of 1 (maxProperties)"]),
        .init(schema: #"{"dependentRequired": {"a": ["b"]}}"#, valid: #"{"a": 1, "b": 2}"#, invalid: #"{"a": 1}"#, violations: [#"$: property "b" is required when "a" is present (dependentRequired)"#]),
        // enum and const use JSON equality
        .init(schema: #"{"properties": {"mode": {"enum": ["upper", "lower"]}}}"#, valid: #"{"mode": "upper"}"#, invalid: #"{"mode": "shout"}"#, violations: [#"$.mode: "shout" is not one of ["upper", "lower"] (enum)"#]),
        .init(schema: #"{"enum": [1, {"a": [true]}]}"#, valid: "1.0", invalid: "2", violations: [#"$: 2 is not one of [1, {"a": [true]}] (enum)"#]),
        .init(schema: #"{"enum": [1, {"a": [true]}]}"#, valid: #"{"a": [true]}"#, invalid: "true", violations: [#"$: true is not one of [1, {"a": [true]}] (enum)"#]),
        .init(schema: #"{"const": {"a": 1, "b": 2}}"#, valid: #"{"b": 2.0, "a": 1}"#, invalid: #"{"a": 1}"#, violations: [#"$: {"a": 1} is not equal to the constant {"a": 1, "b": 2} (const)"#]),
        // numbers
        .init(schema: #"{"minimum": 10}"#, valid: "10", invalid: "9.5", violations: ["$: 9.5 is less than the minimum of 10 (minimum)"]),
        .init(schema: #"{"properties": {"count": {"maximum": 100}}}"#, valid: #"{"count": 100}"#, invalid: #"{"count": 150}"#, violations: ["$.count: 150 is greater than the maximum of 100 (maximum)"]),
        .init(schema: #"{"exclusiveMinimum": 0}"#, valid: "0.1", invalid: "0", violations: ["$: 0 is not greater than the exclusive minimum of 0 (exclusiveMinimum)"]),
        .init(schema: #"{"exclusiveMaximum": 1.5}"#, valid: "1", invalid: "1.5", violations: ["$: 1.5 is not less than the exclusive maximum of 1.5 (exclusiveMaximum)"]),
        .init(schema: #"{"minimum": 9223372036854775807}"#, valid: "9223372036854775807", invalid: "9223372036854775806", violations: ["$: 9223372036854775806 is less than the minimum of 9223372036854775807 (minimum)"]),
        .init(schema: #"{"multipleOf": 3}"#, valid: "9", invalid: "10", violations: ["$: 10 is not a multiple of 3 (multipleOf)"]),
        .init(schema: #"{"multipleOf": 0.0001}"#, valid: "0.0075", invalid: "0.00751", violations: ["$: 0.00751 is not a multiple of 0.0001 (multipleOf)"]),
        .init(schema: #"{"multipleOf": 0.123456789}"#, valid: "0", invalid: "1e308", violations: ["$: 1e+308 is not a multiple of 0.123456789 (multipleOf)"]),
        // strings: lengths count Unicode scalars
        .init(schema: #"{"minLength": 3}"#, valid: #""😀😀😀""#, invalid: #""ab""#, violations: ["$: string has 2 characters, fewer than the minimum of 3 (minLength)"]),
        .init(schema: #"{"maxLength": 2}"#, valid: #""éé""#, invalid: #""abc""#, violations: ["$: string has 3 characters, more than the maximum of 2 (maxLength)"]),
        .init(schema: #"{"maxLength": 1}"#, valid: #""😀""#, invalid: #""👍🏽""#, violations: ["$: string has 2 characters, more than the maximum of 1 (maxLength)"]),
        .init(schema: #"{"pattern": "[0-9]+"}"#, valid: #""abc123""#, invalid: #""abc""#, violations: [#"$: "abc" does not match the pattern "[0-9]+" (pattern)"#]),
        .init(schema: #"{"pattern": "^\\d{3}$"}"#, valid: #""123""#, invalid: #""1234""#, violations: [#"$: "1234" does not match the pattern "^\\d{3}$" (pattern)"#]),
        // arrays
        .init(schema: #"{"items": {"type": "integer"}}"#, valid: "[1, 2]", invalid: #"[1, "x", 3, "y"]"#, violations: ["$[1]: expected integer, got string (type)", "$[3]: expected integer, got string (type)"]),
        .init(schema: #"{"items": [{"type": "string"}], "additionalItems": false}"#, valid: #"["a"]"#, invalid: "[1, 2]", violations: ["$[0]: expected string, got integer (type)", "$: item at index 1 is not allowed (additionalItems)"]),
        .init(schema: #"{"items": [{}], "additionalItems": {"type": "string"}}"#, valid: #"[1, "a"]"#, invalid: "[1, 2]", violations: ["$[1]: expected string, got integer (type)"]),
        .init(schema: #"{"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false}"#, valid: #"["a", 1]"#, invalid: #"["a", 1, true]"#, violations: ["$: item at index 2 is not allowed (items)"]),
        .init(schema: #"{"prefixItems": [{"type": "string"}], "items": {"type": "integer"}}"#, valid: #"["a", 1, 2]"#, invalid: #"[1, "b"]"#, violations: ["$[0]: expected string, got integer (type)", "$[1]: expected integer, got string (type)"]),
        .init(schema: #"{"minItems": 2}"#, valid: "[1, 2]", invalid: "[1]", violations: ["$: array has 1 item, fewer than the minimum of 2 (minItems)"]),
        .init(schema: #"{"maxItems": 1}"#, valid: "[]", invalid: "[1, 2]", violations: ["$: array has 2 items, more than the maximum of 1 (maxItems)"]),
        .init(schema: #"{"uniqueItems": true}"#, valid: #"[1, "1", [1], true]"#, invalid: "[1, 2, 1.0]", violations: ["$: items at index 0 and 2 are equal (uniqueItems)"]),
        .init(schema: #"{"uniqueItems": true}"#, valid: #"[{"a": 1}, {"a": 2}]"#, invalid: #"[{"a": 1, "b": 2}, {"b": 2, "a": 1}]"#, violations: ["$: items at index 0 and 1 are equal (uniqueItems)"]),
        .init(schema: #"{"uniqueItems": false}"#, valid: "[1, 1]"),
        .init(schema: #"{"contains": {"type": "string"}}"#, valid: #"[1, "a"]"#, invalid: "[1, 2]", violations: ["$: array contains no item matching the contains schema (contains)"]),
        .init(schema: #"{"contains": {"type": "string"}, "minContains": 2}"#, valid: #"["a", "b"]"#, invalid: #"["a", 1]"#, violations: ["$: array contains 1 matching item, fewer than the minimum of 2 (minContains)"]),
        .init(schema: #"{"contains": {"type": "string"}, "maxContains": 1}"#, valid: #"["a", 1]"#, invalid: #"["a", "b"]"#, violations: ["$: array contains 2 matching items, more than the maximum of 1 (maxContains)"]),
        .init(schema: #"{"contains": {"type": "string"}, "minContains": 0}"#, valid: "[1]"),
        // combinators
        .init(schema: #"{"anyOf": [{"type": "string"}, {"minimum": 5}]}"#, valid: "7", invalid: "3", violations: ["$: value matches none of the 2 alternatives (anyOf)"]),
        .init(schema: #"{"oneOf": [{"type": "string"}, {"type": "boolean"}]}"#, valid: #""a""#, invalid: "1", violations: ["$: value matches none of the 2 alternatives (oneOf)"]),
        .init(schema: #"{"oneOf": [{"type": "integer"}, {"minimum": 0}, {"type": "null"}]}"#, valid: "-1", invalid: "2", violations: ["$: value matches 2 of the alternatives, expected exactly one (oneOf)"]),
        .init(schema: #"{"allOf": [{"type": "integer"}, {"minimum": 5}]}"#, valid: "5", invalid: "2.5", violations: ["$: expected integer, got number (type)", "$: 2.5 is less than the minimum of 5 (minimum)"]),
        .init(schema: #"{"not": {"type": "null"}}"#, valid: "1", invalid: "null", violations: ["$: value must not match the schema (not)"]),
        .init(schema: #"{"if": {"properties": {"kind": {"const": "file"}}}, "then": {"required": ["path"]}, "else": {"required": ["url"]}}"#,
              valid: #"{"kind": "file", "path": "/x"}"#, invalid: #"{"kind": "file"}"#, violations: [#"$: missing required property "path" (required)"#]),
        .init(schema: #"{"if": {"properties": {"kind": {"const": "file"}}}, "then": {"required": ["path"]}, "else": {"required": ["url"]}}"#,
              valid: #"{"kind": "web", "url": "u"}"#, invalid: #"{"kind": "web"}"#, violations: [#"$: missing required property "url" (required)"#]),
        .init(schema: #"{"if": {"type": "string"}, "then": {"minLength": 2}}"#, valid: "1", invalid: #""a""#, violations: ["$: string has 1 character, fewer than the minimum of 2 (minLength)"]),
        // boolean schemas and references
        .init(schema: "true", valid: #"{"anything": [1]}"#),
        .init(schema: "false", invalid: "1", violations: ["$: no value is allowed here (false)"]),
        .init(schema: #"{"properties": {"x": false}}"#, valid: "{}", invalid: #"{"x": 1}"#, violations: ["$.x: no value is allowed here (false)"]),
        .init(schema: ##"{"$defs": {"pos": {"type": "integer", "minimum": 1}}, "properties": {"n": {"$ref": "#/$defs/pos"}}}"##, valid: #"{"n": 1}"#, invalid: #"{"n": 0}"#, violations: ["$.n: 0 is less than the minimum of 1 (minimum)"]),
        .init(schema: ##"{"definitions": {"s": {"type": "string"}}, "items": {"$ref": "#/definitions/s"}}"##, valid: #"["a"]"#, invalid: "[1]", violations: ["$[0]: expected string, got integer (type)"]),
        .init(schema: ##"{"$defs": {"s": {"type": "string"}}, "$ref": "#/$defs/s", "maxLength": 1}"##, valid: #""a""#, invalid: "1", violations: ["$: expected string, got integer (type)"]),
        // annotations and unknown keywords are ignored; keywords ignore other types
        .init(schema: #"{"title": "t", "description": "d", "default": 5, "examples": [1], "format": "email", "$comment": "c", "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:x", "x-unknown": {"type": "integer"}, "type": "string"}"#,
              valid: #""not an email""#, invalid: "1", violations: ["$: expected string, got integer (type)"]),
        .init(schema: #"{"minimum": 5, "minLength": 3, "required": ["a"], "minItems": 1, "pattern": "x", "uniqueItems": true, "contains": false}"#, valid: "true"),
    ]

    @Test(arguments: cases)
    func validate_whenInstanceFollowsKeyword_reportsNothing(testCase: KeywordCase) throws {
        guard let valid = testCase.valid else { return }
        let schema = try compile(testCase.schema)
        #expect(try violations(of: valid, against: schema) == [])
        #expect(schema.isValid(try JSONParser.parse(valid)))
    }

    @Test(arguments: cases)
    func validate_whenInstanceBreaksKeyword_reportsExactViolations(testCase: KeywordCase) throws {
        guard let invalid = testCase.invalid else { return }
        let schema = try compile(testCase.schema)
        #expect(try violations(of: invalid, against: schema) == testCase.violations)
        #expect(!schema.isValid(try JSONParser.parse(invalid)))
    }
}

@Suite struct UnsupportedKeywordTests {
    @Test(arguments: ["dependentSchemas", "dependencies", "unevaluatedProperties", "unevaluatedItems"])
    func compile_whenKeywordWouldBeSilentlyIgnored_rejectsSchema(keyword: String) throws {
        var object: JSONObject = ["type": "object", "properties": ["a": ["type": "string"]]]
        object[keyword] = false
        do {
            _ = try JSONSchema(.object(object))
            Issue.record("schema with \(keyword) compiled")
        } catch {
            #expect(error.description == "invalid schema at #/\(keyword): \"\(keyword)\" is not supported by Kai's validator; express the rule with if/then, allOf or additionalProperties")
        }
    }
}
