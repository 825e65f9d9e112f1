import CKaiABI
import KaiJSON

/// Writes results and error details to a host-owned `kai_output`, which
/// copies what it is given, so pointers into temporary arrays are safe.
struct PluginOutput {
    let output: UnsafePointer<kai_output>

    init(_ output: UnsafePointer<kai_output>) { self.output = output }

    func write(_ bytes: [UInt8]) -> kai_result {
        guard let write = output.pointee.write else { return KAI_ERR_INTERNAL }
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { write(output, $0.baseAddress, $0.count) }
        }
    }

    func write(_ text: String) -> kai_result { write(Array(text.utf8)) }

    /// Sets the details {"message"} and returns the failure's code.
    func fail(_ failure: ToolFailure) -> kai_result {
        if let setError = output.pointee.set_error {
            let details = JSONValue.object(["message": .string(failure.message)]).serializedBytes()
            _ = details.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { setError(output, $0.baseAddress, $0.count) }
            }
        }
        return failure.code
    }
}

/// A failure of the call itself (not of the code it ran, which is a result
/// with "isError": true): a Kai result code and a message for the caller.
struct ToolFailure: Error {
    let code: kai_result
    let message: String

    static func invalidInput(_ message: String) -> ToolFailure { ToolFailure(code: KAI_ERR_INVALID_INPUT, message: message) }
}

extension kai_str {
    /// The borrowed bytes as a Swift string (copied; invalid UTF-8 repaired).
    var string: String {
        guard let data, len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: len), as: UTF8.self)
    }
}
