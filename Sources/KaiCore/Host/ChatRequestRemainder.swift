import KaiJSON

/// A chat request less the leading messages that were validated already
/// (CallOptions.validatedMessages): what is left to validate.
///
/// chat-request.schema.json checks `messages` as an array of at least one
/// item and each item on its own (`items`, no `contains`, `uniqueItems` or
/// `maxItems`), so with the first k messages known valid the request is
/// valid exactly when the request with only the others is. At least one
/// message is kept, so `minItems` reads the same.
enum ChatRequestRemainder {
    /// Nil when nothing can be skipped: validate the request as it is.
    static func make(_ request: JSONValue, validatedMessages: Int) -> JSONValue? {
        guard validatedMessages > 0, case .object(var object) = request,
              case .array(let messages)? = object["messages"], messages.count > 1 else { return nil }
        let skipped = min(validatedMessages, messages.count - 1)
        object["messages"] = .array(Array(messages[skipped...]))
        return .object(object)
    }
}
