import CKaiABI
import KaiJSON
import Logging

/// The C functions behind kai_host (kai_host.h). Each recovers its
/// PluginInstance from kai_host.ctx and its CallContext from
/// kai_call.host_call; a NULL where the ABI promises a pointer is answered
/// with an error, never a crash.
enum HostServices {
    static func table(context: UnsafeMutableRawPointer?, minor: UInt32) -> kai_host {
        kai_host(
            struct_size: UInt32(MemoryLayout<kai_host>.size),
            abi_minor: minor,
            ctx: context,
            log: hostLog,
            config: hostConfig,
            get_extension: hostGetExtension,
            deadline: hostDeadline,
            is_cancelled: hostIsCancelled,
            call_tool: hostCallTool,
            provider_complete: hostProviderComplete,
            provider_stream: hostProviderStream
        )
    }

    static func instance(_ host: UnsafePointer<kai_host>?) -> PluginInstance? {
        guard let context = host?.pointee.ctx else { return nil }
        return Unmanaged<PluginInstance>.fromOpaque(context).takeUnretainedValue()
    }

    static func callContext(_ call: UnsafePointer<kai_call>?) -> CallContext? {
        guard let context = call?.pointee.host_call else { return nil }
        return Unmanaged<CallContext>.fromOpaque(context).takeUnretainedValue()
    }

    static func string(_ value: kai_str) -> String {
        guard let data = value.data, value.len > 0 else { return "" }
        return data.withMemoryRebound(to: UInt8.self, capacity: value.len) {
            String(decoding: UnsafeBufferPointer(start: $0, count: value.len), as: UTF8.self)
        }
    }

    static func bytes(_ value: kai_str) -> [UInt8] {
        guard let data = value.data, value.len > 0 else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: value.len) {
            Array(UnsafeBufferPointer(start: $0, count: value.len))
        }
    }

    /// Writes a failure into a caller-owned kai_output and returns its code.
    static func fail(_ out: UnsafePointer<kai_output>?, _ code: ResultCode, _ message: String) -> kai_result {
        let details = JSONValue.object(["message": .string(message), "code": .string(code.description)]).serializedBytes()
        if let out, let setError = out.pointee.set_error {
            _ = details.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { setError(out, $0.baseAddress, $0.count) }
            }
        }
        return code.rawValue
    }

    static func logLevel(_ level: kai_log_level) -> Logger.Level {
        switch level {
        case ..<KAI_LOG_DEBUG: .trace
        case KAI_LOG_DEBUG: .debug
        case KAI_LOG_INFO: .info
        case KAI_LOG_WARN: .warning
        default: .error
        }
    }

    /// A stream's terminal ERROR event, then the code.
    static func failStream(_ sink: UnsafePointer<kai_event_sink>?, _ code: ResultCode, _ message: String) -> kai_result {
        let details = JSONValue.object(["message": .string(message)]).serializedBytes()
        if let sink, let onEvent = sink.pointee.on_event {
            details.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { text in
                    var event = kai_event_error(
                        header: kai_event(struct_size: UInt32(MemoryLayout<kai_event_error>.size), type: UInt32(KAI_EVENT_ERROR)),
                        code: code.rawValue, reserved0: 0, details: kai_str(data: text.baseAddress, len: text.count))
                    withUnsafePointer(to: &event) { pointer in
                        pointer.withMemoryRebound(to: kai_event.self, capacity: 1) { _ = onEvent(sink, $0) }
                    }
                }
            }
        }
        return code.rawValue
    }
}

private let hostLog: @convention(c) (UnsafePointer<kai_host>?, kai_log_level, UnsafePointer<CChar>?, Int) -> Void = {
    host, level, message, length in
    guard let instance = HostServices.instance(host) else { return }
    let text = HostServices.string(kai_str(data: message, len: message == nil ? 0 : length))
    instance.host.pluginLogger.log(level: HostServices.logLevel(level), "\(text)", metadata: ["plugin": .string(instance.plugin.id)])
}

private let hostConfig: @convention(c) (UnsafePointer<kai_host>?) -> kai_str = { host in
    HostServices.instance(host)?.configString ?? kai_str(data: nil, len: 0)
}

/// kai.host.cancel/1 for plugins of minor 1 and later, kai.host.agent/1 for
/// minor 2 and later; NULL for anything else.
private let hostGetExtension: @convention(c) (UnsafePointer<kai_host>?, UnsafePointer<CChar>?) -> UnsafeRawPointer? = {
    host, id in
    let minor = host?.pointee.abi_minor ?? 0
    return CancelExtension.lookup(id, minor: minor, table: CancelExtension.inProcess) ?? AgentExtension.lookup(id, minor: minor)
}

private let hostDeadline: @convention(c) (UnsafePointer<kai_host>?, UnsafePointer<kai_call>?) -> Int64 = { _, call in
    HostServices.callContext(call)?.deadline ?? MonotonicClock.noDeadline
}

private let hostIsCancelled: @convention(c) (UnsafePointer<kai_host>?, UnsafePointer<kai_call>?) -> Bool = { _, call in
    HostServices.callContext(call)?.isCancelled ?? true
}

private let hostCallTool: @convention(c) (
    UnsafePointer<kai_host>?, UnsafePointer<kai_call>?, kai_str, kai_str, UnsafePointer<kai_output>?
) -> kai_result = { host, parent, name, args, out in
    guard let instance = HostServices.instance(host), let context = HostServices.callContext(parent) else {
        return HostServices.fail(out, .invalidInput, "call_tool needs the kai_host and the kai_call of a running call")
    }
    return instance.host.callFromPlugin(
        name: HostServices.string(name), arguments: HostServices.bytes(args), parent: context, output: out)
}

let hostProviderComplete: @convention(c) (
    UnsafePointer<kai_host>?, UnsafePointer<kai_call>?, kai_str, kai_str, UnsafePointer<kai_output>?
) -> kai_result = { host, parent, provider, request, out in
    guard let instance = HostServices.instance(host), let context = HostServices.callContext(parent) else {
        return HostServices.fail(out, .invalidInput, "provider_complete needs the kai_host and the kai_call of a running call")
    }
    return instance.host.providerFromPlugin(
        provider: HostServices.string(provider), request: HostServices.bytes(request), parent: context, output: out, sink: nil)
}

/// Even a refused stream gets its one terminal event (kai_events.h).
let hostProviderStream: @convention(c) (
    UnsafePointer<kai_host>?, UnsafePointer<kai_call>?, kai_str, kai_str, UnsafePointer<kai_event_sink>?
) -> kai_result = { host, parent, provider, request, sink in
    guard let instance = HostServices.instance(host), let context = HostServices.callContext(parent) else {
        return HostServices.failStream(sink, .invalidInput, "provider_stream needs the kai_host and the kai_call of a running call")
    }
    return instance.host.providerFromPlugin(
        provider: HostServices.string(provider), request: HostServices.bytes(request), parent: context, output: nil, sink: sink)
}
