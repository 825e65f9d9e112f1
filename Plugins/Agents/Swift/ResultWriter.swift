import CKaiABI
import KaiJSON

/// Writes an agent's output, or its failure's details, to the host's
/// `kai_output`, which copies what it is given.
struct ResultWriter {
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

    /// Sets the details and returns the failure's code, ready to hand back.
    func fail(_ failure: AgentFailure) -> kai_result {
        if let setError = output.pointee.set_error {
            let details = JSONValue.object(failure.details).serializedBytes()
            _ = details.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { setError(output, $0.baseAddress, $0.count) }
            }
        }
        return failure.code
    }
}
