/// Why the operator config could not be located, read, understood or written.
///
/// Every description names the file (as the operator gave it), the line and
/// column when known, the problem and the fix:
/// `kai.yaml:7:5: unknown key "enabeld" in plugins[1]. Did you mean "enabled"? …`.
/// Descriptions never contain secret values or plugin config values other
/// than the offending scalar of a non-secret key.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of failure this is, for callers that branch on it.
    public enum Code: String, Sendable, Equatable {
        case fileNotFound
        case unreadable
        case invalidYAML
        case unknownKey
        case wrongType
        case invalidValue
        case missingKey
        case duplicateID
        case secretNotSet
        case writeFailed
        /// A keys file other users can read or write, or that is not the user's.
        case insecurePermissions
    }

    public let code: Code
    /// The config file path exactly as given.
    public let file: String
    public let position: SourcePosition?
    /// The problem and its fix, without the location prefix.
    public let message: String

    public init(_ code: Code, file: String, at position: SourcePosition?, _ message: String) {
        self.code = code
        self.file = file
        self.position = position
        self.message = message
    }

    public var description: String {
        guard let position else { return "\(file): \(message)" }
        return "\(file):\(position.line):\(position.column): \(message)"
    }
}
