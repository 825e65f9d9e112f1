import KaiJSON
import KaiJSONSchema
import Synchronization

/// A JSON Schema compiled the first time it is needed, then kept. Read
/// without a lock once compiled: every call validates against one (a
/// provider's chat request, a tool's inputSchema), and with 50 agent runs at
/// once a lock here had threads queueing in the kernel.
final class LazySchema: Sendable {
    let source: JSONValue?
    private let compiled = AtomicLazyReference<Compiled>()

    /// The compiled schema or why it could not be; boxed for AtomicLazyReference.
    private final class Compiled: Sendable {
        let result: Result<JSONSchema, JSONSchemaError>
        init(_ result: Result<JSONSchema, JSONSchemaError>) { self.result = result }
    }

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
        if let done = compiled.load() { return try done.result.get() }
        // Two first callers may both compile it (the same schema, pure); one result is kept.
        let made = Compiled(Result { () throws(JSONSchemaError) in try JSONSchema(source) })
        return try compiled.storeIfNil(made).result.get()
    }
}
