/// One way an instance fails a schema.
public struct SchemaViolation: Sendable, Equatable, CustomStringConvertible {
    /// Instance location: `$`, `$.name`, `$.items[2]`, or `$["a b"]` for keys
    /// that are not plain identifiers.
    public let path: String
    /// The keyword whose rule failed, e.g. `maximum`.
    public let keyword: String
    public let message: String

    public init(path: String, keyword: String, message: String) {
        self.path = path
        self.keyword = keyword
        self.message = message
    }

    public var description: String { "\(path): \(message) (\(keyword))" }
}
