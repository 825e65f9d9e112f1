import KaiJSON
import KaiJSONSchema
import Testing

/// One keyword exercised with an instance that passes and one that fails.
struct KeywordCase: CustomTestStringConvertible, Sendable {
    var schema: String
    var valid: String?
    var invalid: String?
    var violations: [String] = []

    var testDescription: String { schema }
}

func compile(_ schemaText: String) throws -> JSONSchema {
    try JSONSchema(JSONParser.parse(schemaText))
}

/// The `description` of every violation of `instanceText`.
func violations(of instanceText: String, against schema: JSONSchema) throws -> [String] {
    try schema.validate(JSONParser.parse(instanceText)).map(\.description)
}
