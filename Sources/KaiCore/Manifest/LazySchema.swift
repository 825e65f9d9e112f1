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
