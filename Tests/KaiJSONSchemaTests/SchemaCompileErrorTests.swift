import KaiJSON
import KaiJSONSchema
import Testing

/// Malformed schemas are rejected at load time with the schema location.
struct SchemaCompileErrorTests {
    @Test(arguments: [
        (#"{"properties": {"age": {"minimum": "3"}}}"#, #"invalid schema at #/properties/age/minimum: "minimum" must be a number"#),
        (#"{"required": "a"}"#, #"invalid schema at #/required: "required" must be an array of strings"#),
        (#"{"type": "strnig"}"#, #"invalid schema at #/type: unknown type "strnig"; did you mean "string"?"#),
        (#"{"type": ["null", "widget"]}"#, #"invalid schema at #/type: unknown type "widget"; expected one of "array", "boolean", "integer", "null", "number", "object", "string""#),
        (#"{"type": 1}"#, #"invalid schema at #/type: "type" must be a string or a non-empty array of strings"#),
        (#"{"pattern": "(abc"}"#, #"invalid schema at #/pattern: "pattern" "(abc" is not a valid regular expression"#),
        (#"{"patternProperties": {"[a-": {}}}"#, #"invalid schema at #/patternProperties/[a-: property pattern "[a-" is not a valid regular expression"#),
        (##"{"$ref": "#/$defs/missing"}"##, ##"invalid schema at #/$ref: cannot resolve "$ref" "#/$defs/missing""##),
        (#"{"$ref": "https://example.com/s.json"}"#, ##"invalid schema at #/$ref: "$ref" "https://example.com/s.json" is not supported; only references within the schema (starting with "#") are"##),
        (#"{"$ref": 5}"#, #"invalid schema at #/$ref: "$ref" must be a string"#),
        (#"{"minLength": -1}"#, #"invalid schema at #/minLength: "minLength" must be a non-negative integer"#),
        (#"{"maxItems": 1.5}"#, #"invalid schema at #/maxItems: "maxItems" must be a non-negative integer"#),
        (#"{"multipleOf": 0}"#, #"invalid schema at #/multipleOf: "multipleOf" must be a number greater than 0"#),
        (#"{"enum": "a"}"#, #"invalid schema at #/enum: "enum" must be an array"#),
        (#"{"anyOf": []}"#, #"invalid schema at #/anyOf: "anyOf" must be a non-empty array of schemas"#),
        (#"{"not": 3}"#, #"invalid schema at #/not: a schema must be an object or a boolean, got integer"#),
        (#"{"properties": {"a": "string"}}"#, #"invalid schema at #/properties/a: a schema must be an object or a boolean, got string"#),
        (#"{"properties": []}"#, #"invalid schema at #/properties: "properties" must be an object"#),
        (#"{"properties": {"a/b~c": {"minimum": "x"}}}"#, #"invalid schema at #/properties/a~1b~0c/minimum: "minimum" must be a number"#),
        (#"{"$defs": {"unused": {"maximum": true}}}"#, #"invalid schema at #/$defs/unused/maximum: "maximum" must be a number"#),
        (#"{"allOf": [{}, {"exclusiveMinimum": false}]}"#, #"invalid schema at #/allOf/1/exclusiveMinimum: "exclusiveMinimum" must be a number"#),
        (#"{"uniqueItems": "yes"}"#, #"invalid schema at #/uniqueItems: "uniqueItems" must be a boolean"#),
        (#"{"dependentRequired": {"a": "b"}}"#, #"invalid schema at #/dependentRequired: "dependentRequired" must be an object whose values are arrays of strings"#),
        (#"{"items": {"minContains": -2}}"#, #"invalid schema at #/items/minContains: "minContains" must be a non-negative integer"#),
        ("3", "invalid schema at #: a schema must be an object or a boolean, got integer"),
    ])
    func init_whenSchemaIsMalformed_namesSchemaPathAndProblem(schemaText: String, expected: String) throws {
        let error = try #require(throws: JSONSchemaError.self) { try JSONSchema(JSONParser.parse(schemaText)) }
        #expect(error.description == expected)
    }

    @Test func init_whenSchemaIsValid_keepsRootDocument() throws {
        let document = try JSONParser.parse(#"{"type": "object", "title": "Args"}"#)
        #expect(try JSONSchema(document).root == document)
    }

    @Test func schemaError_exposesPathAndMessage() throws {
        let error = try #require(throws: JSONSchemaError.self) { try compile(#"{"properties": {"age": {"minimum": "3"}}}"#) }
        #expect(error == JSONSchemaError(path: "#/properties/age/minimum", message: #""minimum" must be a number"#))
    }
}
