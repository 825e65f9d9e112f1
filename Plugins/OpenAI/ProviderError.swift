import CKaiABI
import KaiJSON

/// A failed provider call: the kai_result code the host sees and one message
/// saying what failed and what to do.
///
/// Messages are built only from the operator's config (endpoint names, URLs,
/// secret key names), HTTP statuses and server text with the API key cut out
/// (see Endpoint.redact), so no API key can reach one.
struct ProviderError: Error {
    let code: kai_result
    let message: String

    init(_ code: kai_result, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The details JSON for kai_output.set_error and ERROR events.
    var detailsJSON: [UInt8] {
        JSONValue.object(["message": .string(message)]).serializedBytes()
    }

    static func invalidInput(_ message: String) -> ProviderError { ProviderError(KAI_ERR_INVALID_INPUT, message) }
    static func unavailable(_ message: String) -> ProviderError { ProviderError(KAI_ERR_UNAVAILABLE, message) }
    static func internalError(_ message: String) -> ProviderError { ProviderError(KAI_ERR_INTERNAL, message) }
}
