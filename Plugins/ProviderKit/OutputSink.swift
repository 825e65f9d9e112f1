import CKaiABI

/// Writes results and error details to a host-owned `kai_output`, which
/// copies what it is given (so pointers into temporary arrays are fine).
package struct OutputSink {
    package let output: UnsafePointer<kai_output>

    package init(_ output: UnsafePointer<kai_output>) { self.output = output }

    package func write(_ bytes: [UInt8]) -> kai_result {
        guard let write = output.pointee.write else { return KAI_ERR_INTERNAL }
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { write(output, $0.baseAddress, $0.count) }
        }
    }

    package func write(_ text: StaticString) -> kai_result {
        guard let write = output.pointee.write else { return KAI_ERR_INTERNAL }
        return text.withUTF8Buffer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { write(output, $0.baseAddress, $0.count) }
        }
    }

    /// Sets the details and returns the error's code, ready to hand back.
    package func fail(_ error: ProviderError) -> kai_result {
        if let setError = output.pointee.set_error {
            let details = error.detailsJSON
            _ = details.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { setError(output, $0.baseAddress, $0.count) }
            }
        }
        return error.code
    }
}
