/// A JSON Schema the `local` provider cannot turn into a grammar.
///
/// The message names the keyword and where it is (a JSON Pointer into the
/// schema), and what is supported, so a tool author knows what to change.
public struct GrammarError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    static func unsupported(keyword: String, at pointer: String) -> GrammarError {
        GrammarError(
            "the local provider cannot constrain generation to the JSON Schema keyword \"\(keyword)\" (at \(pointer.isEmpty ? "/" : pointer)); "
                + "it supports type, properties, required, enum, const, items, anyOf, oneOf, minLength, maxLength, minItems and maxItems")
    }
}
