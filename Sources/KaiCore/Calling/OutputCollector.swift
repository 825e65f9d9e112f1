import CKaiABI

/// The host side of a kai_output: copies what a plugin writes, up to a limit.
///
/// One collector serves one call. The ABI tags kai_output's functions
/// [call-thread], so no lock guards the buffers.
final class OutputCollector {
    /// Error details larger than this are cut to a message (kai_output.h).
    static let maxErrorBytes = 64 * 1024

    let limit: Int
    private(set) var bytes: [UInt8] = []
    private(set) var errorDetails: [UInt8]?
    private(set) var overflowed = false

    init(limit: Int) {
        self.limit = limit
    }

    func append(_ data: UnsafePointer<CChar>?, _ count: Int) -> kai_result {
        guard count > 0 else { return KAI_OK }
        guard let data else { return KAI_ERR_INVALID_INPUT }
        guard !overflowed, bytes.count + count <= limit else {
            overflowed = true
            return KAI_ERR_INVALID_INPUT
        }
        data.withMemoryRebound(to: UInt8.self, capacity: count) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: count))
        }
        return KAI_OK
    }

    func setError(_ json: UnsafePointer<CChar>?, _ count: Int) -> kai_result {
        guard let json, count > 0 else {
            errorDetails = nil
            return KAI_OK
        }
        guard count <= Self.maxErrorBytes else {
            errorDetails = Array(#"{"message":"error details exceeded 64 KiB and were dropped"}"#.utf8)
            return KAI_ERR_INVALID_INPUT
        }
        errorDetails = json.withMemoryRebound(to: UInt8.self, capacity: count) {
            Array(UnsafeBufferPointer(start: $0, count: count))
        }
        return KAI_OK
    }

    /// Runs `body` with a kai_output that feeds this collector. The struct
    /// lives on the stack for exactly the call, matching its ABI lifetime.
    func withOutput<R, E: Error>(_ body: (UnsafePointer<kai_output>) throws(E) -> R) throws(E) -> R {
        var output = kai_output(
            struct_size: UInt32(MemoryLayout<kai_output>.size),
            reserved0: 0,
            ctx: Unmanaged.passUnretained(self).toOpaque(),
            write: collectorWrite,
            set_error: collectorSetError
        )
        return try withUnsafePointer(to: &output) { (pointer) throws(E) -> R in try body(pointer) }
    }
}

private func collector(_ output: UnsafePointer<kai_output>?) -> OutputCollector? {
    guard let context = output?.pointee.ctx else { return nil }
    return Unmanaged<OutputCollector>.fromOpaque(context).takeUnretainedValue()
}

private let collectorWrite: @convention(c) (UnsafePointer<kai_output>?, UnsafePointer<CChar>?, Int) -> kai_result = {
    output, data, count in
    collector(output)?.append(data, count) ?? KAI_ERR_INTERNAL
}

private let collectorSetError: @convention(c) (UnsafePointer<kai_output>?, UnsafePointer<CChar>?, Int) -> kai_result = {
    output, json, count in
    collector(output)?.setError(json, count) ?? KAI_ERR_INTERNAL
}
