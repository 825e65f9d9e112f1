/// Why a schema was rejected when compiled, and where in the schema.
public struct JSONSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Schema location as a JSON pointer fragment, e.g. `#/properties/age/minimum`.
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "invalid schema at \(path): \(message)" }
}
