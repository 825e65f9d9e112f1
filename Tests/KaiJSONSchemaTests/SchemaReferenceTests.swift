import KaiJSON
import KaiJSONSchema
import Testing

struct SchemaReferenceTests {
    static let tree = ##"""
    {"$defs": {"node": {"type": "object", "required": ["value"],
      "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
     "$ref": "#/$defs/node"}
    """##

    @Test func validate_whenSchemaIsRecursiveTree_checksEveryLevel() throws {
        let schema = try compile(Self.tree)
        #expect(try violations(of: #"{"value": 1, "children": [{"value": 2, "children": []}]}"#, against: schema) == [])
        #expect(try violations(of: #"{"value": 1, "children": [{"value": 2}, {"value": "x", "children": [{}]}]}"#, against: schema) == [
            "$.children[1].value: expected integer, got string (type)",
            #"$.children[1].children[0]: missing required property "value" (required)"#,
        ])
    }

    @Test func validate_whenTreeIsDeepButWithinLimit_accepts() throws {
        let schema = try compile(Self.tree)
        var instance: JSONValue = ["value": 0]
        for level in 1...100 { instance = ["value": .integer(Int64(level)), "children": [instance]] }
        #expect(schema.validate(instance) == [])
    }

    @Test func validate_whenReferenceLoopsWithoutConsumingInput_reportsDepthLimit() throws {
        let schema = try compile(##"{"$ref": "#"}"##)
        #expect(try violations(of: "1", against: schema) == ["$: schema references nested deeper than 256 levels ($ref)"])
        #expect(!schema.isValid(1))
        let mutual = try compile(##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##)
        #expect(!mutual.isValid(nil))
    }

    @Test func ref_whenPointerUsesEscapes_resolvesTildeSlashAndPercentEncoding() throws {
        let schema = try compile(##"""
        {"$defs": {"a/b": {"type": "integer"}, "c~d": {"type": "string"}, "e f": {"type": "boolean"}},
         "properties": {"x": {"$ref": "#/$defs/a~1b"}, "y": {"$ref": "#/$defs/c~0d"}, "z": {"$ref": "#/$defs/e%20f"}}}
        """##)
        #expect(try violations(of: #"{"x": 1, "y": "s", "z": true}"#, against: schema) == [])
        #expect(try violations(of: #"{"x": "s", "y": 1, "z": 1}"#, against: schema) == [
            "$.x: expected integer, got string (type)",
            "$.y: expected string, got integer (type)",
            "$.z: expected boolean, got integer (type)",
        ])
    }

    @Test func ref_whenTargetIsArrayElement_resolvesIndexToken() throws {
        let schema = try compile(##"{"anyOf": [{"type": "string"}], "items": {"$ref": "#/anyOf/0"}}"##)
        #expect(try violations(of: "[1]", against: schema) == ["$: value matches none of the 1 alternatives (anyOf)", "$[0]: expected string, got integer (type)"])
    }
}
