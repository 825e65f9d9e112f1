import CKaiABI
import KaiJSON

/// A failure the provider reports: a Kai result code and a message that
/// says what went wrong and what to do.
struct ProviderError: Error {
    let code: kai_result
    let message: String

    static func invalidInput(_ message: String) -> ProviderError { ProviderError(code: KAI_ERR_INVALID_INPUT, message: message) }
    static func unavailable(_ message: String) -> ProviderError { ProviderError(code: KAI_ERR_UNAVAILABLE, message: message) }
    static func internalError(_ message: String) -> ProviderError { ProviderError(code: KAI_ERR_INTERNAL, message: message) }
    static let cancelled = ProviderError(code: KAI_ERR_CANCELLED, message: "the call was cancelled")
    static let deadlineExceeded = ProviderError(code: KAI_ERR_DEADLINE_EXCEEDED, message: "the call's deadline passed during generation")

    /// The details object for kai_output.set_error and ERROR events.
    var detailsJSON: [UInt8] {
        JSONValue.object(JSONObject([("message", .string(message))])).serializedBytes()
    }
}
