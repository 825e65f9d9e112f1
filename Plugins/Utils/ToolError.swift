import CKaiABI

/// A failure a tool reports to the host: a Kai result code plus the JSON
/// details object handed to `kai_output.set_error`.
///
/// Tools throw only this type (typed throws), so the C glue can map every
/// failure to a code without a catch-all guess.
struct ToolError: Error {
    let code: kai_result
    let message: String
    /// The input field at fault, when one is ("field" in the details).
    var field: String? = nil
    /// 0-based character offset inside that field's text ("position").
    var position: Int? = nil

    /// Bad arguments: the common case for every tool in this plugin.
    static func invalidInput(_ message: String, field: String? = nil, position: Int? = nil) -> ToolError {
        ToolError(code: KAI_ERR_INVALID_INPUT, message: message, field: field, position: position)
    }

    /// A bug in this plugin (e.g. a result JSONSerialization refuses).
    static func internalError(_ message: String) -> ToolError {
        ToolError(code: KAI_ERR_INTERNAL, message: message)
    }

    /// The details object, always with a "message" member as the ABI requires.
    var detailsJSON: [UInt8] {
        var object: [String: Any] = ["message": message]
        if let field { object["field"] = field }
        if let position { object["position"] = position }
        // Details only hold strings and integers, so the
        // fallback below is unreachable in practice; it keeps the ABI promise
        // of "at least {\"message\"}" even if it were not.
        return (try? JSONText.encode(object)) ?? Array(#"{"message":"internal error"}"#.utf8)
    }
}
