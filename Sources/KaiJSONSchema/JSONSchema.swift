import KaiJSON

/// A compiled JSON Schema (draft 2020-12, also accepting draft-07 spellings).
///
/// Compiling once up front means malformed schemas are rejected when a plugin
/// is loaded, and each tool call only walks prepared checks: regexes are
/// compiled and `$ref`s resolved already. Only references within the schema
/// document are supported. Annotations (`title`, `description`, `default`,
/// `examples`, `format`, …) and unknown keywords are ignored, as the spec
/// requires. Immutable, so one instance can be shared across threads.
public struct JSONSchema: Sendable {
    /// The schema document as given.
    public let root: JSONValue
    private let nodes: [SchemaNode]

    /// Compiles `schema`, throwing if any keyword is malformed, a regex does
    /// not compile, or a `$ref` cannot be resolved.
    public init(_ schema: JSONValue) throws(JSONSchemaError) {
        var compiler = SchemaCompiler(document: schema)
        _ = try compiler.compile(schema, at: JSONPointer())
        self.root = schema
        self.nodes = compiler.nodes
    }

    /// Every way `instance` fails the schema, in instance document order;
    /// empty when it is valid. `anyOf`, `oneOf`, `not` and `contains` report
    /// one summary violation each rather than their subschemas' details.
    public func validate(_ instance: JSONValue) -> [SchemaViolation] {
        var validator = SchemaValidator(nodes: nodes, collecting: true)
        _ = validator.check(0, instance)
        return validator.violations
    }

    /// Whether `instance` is valid; stops at the first failure.
    public func isValid(_ instance: JSONValue) -> Bool {
        var validator = SchemaValidator(nodes: nodes, collecting: false)
        return validator.check(0, instance)
    }
}
