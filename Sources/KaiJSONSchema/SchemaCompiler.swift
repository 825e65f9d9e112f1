import KaiJSON

/// Turns a schema document into `SchemaNode`s, rejecting malformed schemas.
///
/// Each schema location is compiled once and remembered by its JSON pointer,
/// so a `$ref` to a location being compiled (a recursive schema) just
/// receives that location's index and compilation terminates.
struct SchemaCompiler {
    let document: JSONValue
    private(set) var nodes: [SchemaNode] = []
    private var compiled: [JSONPointer: Int] = [:]

    init(document: JSONValue) {
        self.document = document
    }

    /// Compiles the subschema `schema` found at `pointer`, returning its node index.
    mutating func compile(_ schema: JSONValue, at pointer: JSONPointer) throws(JSONSchemaError) -> Int {
        if let existing = compiled[pointer] { return existing }
        let index = nodes.count
        nodes.append(SchemaNode())
        compiled[pointer] = index
        switch schema {
        case .bool(true):
            break
        case .bool(false):
            nodes[index].rules = [.never]
        case .object(let object):
            let rules = try compileRules(of: object, at: pointer)
            nodes[index].rules = rules
        default:
            throw JSONSchemaError(path: pointer.description, message: "a schema must be an object or a boolean, got \(schema.typeName)")
        }
        return index
    }

    /// Compiles keywords in a fixed order: references, then checks on the
    /// value itself, then applicators. Violations are later sorted by instance
    /// location, so this order only decides ties at the same location.
    private mutating func compileRules(of schema: JSONObject, at pointer: JSONPointer) throws(JSONSchemaError) -> [SchemaRule] {
        let keywords = KeywordReader(schema: schema, pointer: pointer)
        try rejectUnsupported(keywords)
        var rules: [SchemaRule] = []
        if let target = try reference(keywords) { rules.append(.ref(target)) }
        rules += try keywords.valueRules()
        rules += try objectRules(keywords)
        rules += try arrayRules(keywords)
        rules += try combinatorRules(keywords)
        try compileDefinitions(keywords)
        return rules
    }

    /// Keywords that constrain values but that this validator does not
    /// implement. Ignoring them (as unknown keywords are) would let values
    /// the schema's author meant to reject reach the plugin, so refuse them.
    static let unsupportedKeywords = [
        "dependentSchemas", "dependencies", "unevaluatedProperties", "unevaluatedItems",
        "$dynamicRef", "$recursiveRef",
    ]

    private func rejectUnsupported(_ keywords: KeywordReader) throws(JSONSchemaError) {
        for keyword in Self.unsupportedKeywords where keywords.schema[keyword] != nil {
            throw JSONSchemaError(
                path: keywords.pointer.appending(keyword).description,
                message: "\"\(keyword)\" is not supported by Kai's validator; express the rule with if/then, allOf or additionalProperties")
        }
    }

    /// Resolves `$ref` to a node. Only references inside this document are
    /// supported: a plugin's schema must not make the host fetch anything.
    private mutating func reference(_ keywords: KeywordReader) throws(JSONSchemaError) -> Int? {
        guard let value = keywords.schema["$ref"] else { return nil }
        let here = keywords.pointer.appending("$ref")
        guard case .string(let reference) = value else {
            throw JSONSchemaError(path: here.description, message: "\"$ref\" must be a string")
        }
        guard reference.hasPrefix("#") else {
            throw JSONSchemaError(path: here.description, message: "\"$ref\" \(quoted(reference)) is not supported; only references within the schema (starting with \"#\") are")
        }
        guard let target = JSONPointer(fragment: reference), let targetSchema = target.resolve(in: document) else {
            throw JSONSchemaError(path: here.description, message: "cannot resolve \"$ref\" \(quoted(reference))")
        }
        return try compile(targetSchema, at: target)
    }

    /// Compiles `$defs` and `definitions` even when unreferenced, so that a
    /// mistake in them is reported when the schema is loaded, not never.
    private mutating func compileDefinitions(_ keywords: KeywordReader) throws(JSONSchemaError) {
        for keyword in ["$defs", "definitions"] {
            for (name, definition) in try keywords.schemaMap(keyword) {
                _ = try compile(definition, at: keywords.pointer.appending(keyword).appending(name))
            }
        }
    }

    /// Compiles the subschema under `keyword`, if present.
    mutating func subschema(_ keyword: String, of keywords: KeywordReader) throws(JSONSchemaError) -> Int? {
        guard let value = keywords.schema[keyword] else { return nil }
        return try compile(value, at: keywords.pointer.appending(keyword))
    }

    /// Compiles the array of subschemas under `keyword`, if present.
    mutating func subschemaList(_ keyword: String, of keywords: KeywordReader) throws(JSONSchemaError) -> [Int]? {
        guard let value = keywords.schema[keyword] else { return nil }
        guard case .array(let elements) = value, !elements.isEmpty else {
            throw keywords.error(keyword, "\"\(keyword)\" must be a non-empty array of schemas")
        }
        let here = keywords.pointer.appending(keyword)
        var indices: [Int] = []
        for (offset, element) in elements.enumerated() {
            indices.append(try compile(element, at: here.appending(String(offset))))
        }
        return indices
    }

    /// Whether `index` is exactly the `false` schema, which some keywords
    /// report with a more specific message ("property \"x\" is not allowed").
    func isFalseSchema(_ index: Int) -> Bool {
        if case .never = nodes[index].rules.first, nodes[index].rules.count == 1 { return true }
        return false
    }
}

func quoted(_ text: String) -> String {
    JSONValue.string(text).serialized()
}
