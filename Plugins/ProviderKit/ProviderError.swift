import CKaiABI
import KaiJSON

/// A failed provider call: the kai_result code the host sees and one message
/// saying what failed and what to do.
///
/// Messages are built only from the operator's config (endpoint names, URLs,
/// secret key names), HTTP statuses and server text with the API key cut out
/// (see HTTPEndpoint.redact), so no API key can reach one.
package struct ProviderError: Error {
    package let code: kai_result
    package let message: String
    /// The HTTP status the server answered, when the failure is one
    /// (details "http_status"), for callers that act on it (the router).
    package var httpStatus: Int?
    /// The server's Retry-After in seconds on a 429 or 503 (details
    /// "retry_after_s").
    package var retryAfterSeconds: Int?

    package init(_ code: kai_result, _ message: String, httpStatus: Int? = nil, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The details JSON for kai_output.set_error and ERROR events:
    /// {"message", "http_status"?, "retry_after_s"?} (kai_provider.h).
    package var detailsJSON: [UInt8] {
        var details: JSONObject = ["message": .string(message)]
        if let httpStatus { details["http_status"] = .integer(Int64(httpStatus)) }
        if let retryAfterSeconds { details["retry_after_s"] = .integer(Int64(retryAfterSeconds)) }
        return JSONValue.object(details).serializedBytes()
    }

    package static func invalidInput(_ message: String) -> ProviderError { ProviderError(KAI_ERR_INVALID_INPUT, message) }
    package static func unavailable(_ message: String) -> ProviderError { ProviderError(KAI_ERR_UNAVAILABLE, message) }
    package static func internalError(_ message: String) -> ProviderError { ProviderError(KAI_ERR_INTERNAL, message) }
}
