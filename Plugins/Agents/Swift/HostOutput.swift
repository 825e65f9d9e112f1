import CKaiABI
import KaiJSON

/// A kai_output of the plugin's own, for host services that write their
/// answer (call_tool, provider_complete, find_agents, call_agent): it
/// collects the result bytes and the error details. The host calls it only
/// on the thread that called the service, before the service returns
/// (kai_output.h), so it needs no lock.
final class HostOutput {
    private(set) var bytes: [UInt8] = []
    private(set) var details: [UInt8] = []

    /// Calls `service` with a kai_output that fills this buffer, then turns
    /// the code and what was written into a result: the parsed JSON on
    /// KAI_OK, else a failure carrying the host's details object.
    static func collect(
        _ service: (UnsafePointer<kai_output>) -> kai_result
    ) -> Result<JSONValue, AgentFailure> {
        let buffer = HostOutput()
        let code = withExtendedLifetime(buffer) { () -> kai_result in
            var output = kai_output(
                struct_size: UInt32(MemoryLayout<kai_output>.size), reserved0: 0,
                ctx: Unmanaged.passUnretained(buffer).toOpaque(), write: writeBytes, set_error: setError)
            return withUnsafePointer(to: &output) { service($0) }
        }
        return buffer.result(code)
    }

    private func result(_ code: kai_result) -> Result<JSONValue, AgentFailure> {
        guard code == KAI_OK else { return .failure(Self.failure(code, details: details)) }
        do {
            return .success(try JSONParser.parse(bytes))
        } catch {
            return .failure(AgentFailure(code: KAI_ERR_INTERNAL, message: "the host's answer was not JSON: \(error)"))
        }
    }

    /// A failure from a code and the details JSON a service gave with it.
    static func failure(_ code: kai_result, details: [UInt8]) -> AgentFailure {
        if let object = (try? JSONParser.parse(details))?.objectValue, object["message"] != nil {
            return AgentFailure(code: code, details: object)
        }
        return AgentFailure(code: code, message: "failed with \(ResultName.of(code))")
    }

    fileprivate func append(_ data: UnsafePointer<CChar>?, _ count: Int, toDetails: Bool) {
        guard let data, count > 0 else { return }
        let bytes = UnsafeRawBufferPointer(start: data, count: count)
        if toDetails { details = Array(bytes) } else { self.bytes.append(contentsOf: bytes) }
    }
}

private func buffer(_ output: UnsafePointer<kai_output>?) -> HostOutput? {
    guard let ctx = output?.pointee.ctx else { return nil }
    return Unmanaged<HostOutput>.fromOpaque(ctx).takeUnretainedValue()
}

private let writeBytes: @convention(c) (UnsafePointer<kai_output>?, UnsafePointer<CChar>?, Int) -> kai_result = {
    output, data, count in
    guard let target = buffer(output) else { return KAI_ERR_INVALID_INPUT }
    target.append(data, count, toDetails: false)
    return KAI_OK
}

private let setError: @convention(c) (UnsafePointer<kai_output>?, UnsafePointer<CChar>?, Int) -> kai_result = {
    output, data, count in
    guard let target = buffer(output) else { return KAI_ERR_INVALID_INPUT }
    target.append(data, count, toDetails: true)
    return KAI_OK
}

/// Result codes by their header names, as the host's step events name them.
enum ResultName {
    static func of(_ code: kai_result) -> String {
        switch code {
        case KAI_OK: "OK"
        case KAI_ERR_INVALID_INPUT: "INVALID_INPUT"
        case KAI_ERR_NOT_FOUND: "NOT_FOUND"
        case KAI_ERR_CANCELLED: "CANCELLED"
        case KAI_ERR_DEADLINE_EXCEEDED: "DEADLINE_EXCEEDED"
        case KAI_ERR_UNAVAILABLE: "UNAVAILABLE"
        case KAI_ERR_PERMISSION_DENIED: "PERMISSION_DENIED"
        case KAI_ERR_UNSUPPORTED: "UNSUPPORTED"
        default: "INTERNAL"
        }
    }
}

/// Borrowed kai_str views of Swift bytes and strings, for the duration of `body`.
enum KaiStr {
    static func with<R>(_ bytes: [UInt8], _ body: (kai_str) -> R) -> R {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body(kai_str(data: $0.baseAddress, len: $0.count)) }
        }
    }

    static func with<R>(_ text: String, _ body: (kai_str) -> R) -> R {
        with(Array(text.utf8), body)
    }

    static func string(_ value: kai_str) -> String {
        guard let data = value.data, value.len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: value.len), as: UTF8.self)
    }

    static func bytes(_ value: kai_str) -> [UInt8] {
        guard let data = value.data, value.len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: value.len))
    }
}
