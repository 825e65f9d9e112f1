import CKaiABI

/// Writes results and error details to a host-owned `kai_output`.
///
/// The output copies what it is given, so passing pointers into temporary
/// Swift arrays is safe. A missing function pointer means a broken host; the
/// plugin reports it as an internal error instead of crashing.
struct ResultSink {
    let output: UnsafePointer<kai_output>

    init(_ output: UnsafePointer<kai_output>) { self.output = output }

    func write(_ bytes: [UInt8]) -> kai_result {
        guard let write = output.pointee.write else { return KAI_ERR_INTERNAL }
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { write(output, $0.baseAddress, $0.count) }
        }
    }

    func write(_ text: StaticString) -> kai_result {
        guard let write = output.pointee.write else { return KAI_ERR_INTERNAL }
        return text.withUTF8Buffer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { write(output, $0.baseAddress, $0.count) }
        }
    }

    /// Sets the details and returns the error's code, ready to hand back.
    func fail(error: ToolError) -> kai_result {
        if let setError = output.pointee.set_error {
            let details = error.detailsJSON
            _ = details.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { setError(output, $0.baseAddress, $0.count) }
            }
        }
        return error.code
    }
}

extension kai_str {
    /// The borrowed bytes as a Swift string (copied; invalid UTF-8 repaired).
    var string: String {
        withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the bytes; {NULL, n} is treated as empty.
    func withBytes<T, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> T) throws(E) -> T {
        guard let data, len > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: data, count: len))
    }
}
