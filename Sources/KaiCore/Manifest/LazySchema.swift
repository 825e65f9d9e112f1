import KaiJSON
import KaiJSONSchema
import Synchronization

/// A JSON Schema compiled the first time it is needed, then kept.
final class LazySchema: Sendable {
    let source: JSONValue?
    private let compiled = Mutex<Result<JSONSchema, JSONSchemaError>?>(nil)

    init(_ source: JSONValue?) {
        self.source = source
    }

    /// A schema embedded in the host (ProviderSchemas): its text is a
    /// constant checked by tests, so failing to parse it is a build defect.
    convenience init(text: String) {
        do {
            self.init(try JSONParser.parse(Array(text.utf8)))
        } catch {
            preconditionFailure("an embedded schema is not JSON: \(error)")
        }
    }

    /// nil when there is no schema; throws when the schema is malformed.
    func schema() throws(JSONSchemaError) -> JSONSchema? {
        guard let source else { return nil }
        let result = compiled.withLock { cached in
            if let cached { return cached }
            let result = Result { () throws(JSONSchemaError) in try JSONSchema(source) }
            cached = result
            return result
        }
        return try result.get()
    }
}
