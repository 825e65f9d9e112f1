import CKaiABI
import Foundation
import KaiJSON
import Synchronization

/// A minimal Kai host for driving libKaiPluginLocal.so through its real C
/// ABI: dlopen, describe, create with a config, invoke with an event sink
/// and a cancellation flag the test controls. (KaiCore's PluginHost adds
/// validation and routing on top of exactly these calls.)
final class ProviderTestHost: @unchecked Sendable {
    enum Event: Equatable {
        case text(String)
        case toolCall(index: UInt32, id: String, name: String, arguments: String)
        case usage(input: UInt64, output: UInt64)
        case done(finishReason: String, result: String)
        case error(code: Int32, details: String)
    }

    struct Outcome {
        let code: Int32
        let output: String
        let error: String
        let events: [Event]
        var json: JSONValue? { try? JSONParser.parse(output) }
        var errorMessage: String? { (try? JSONParser.parse(error))?["message"]?.stringValue }
    }

    /// Per-call state reached from C through kai_call.host_call.
    final class CallState: @unchecked Sendable {
        let cancelled = Atomic<Bool>(false)
        var events: [Event] = []
        var output: [UInt8] = []
        var error: [UInt8] = []
        var onEvent: ((Event, CallState) -> Int32)?
    }

    let plugin: UnsafePointer<kai_plugin>
    private(set) var instance: UnsafeMutableRawPointer?
    private let host: UnsafeMutablePointer<kai_host>
    private let config: UnsafeMutableBufferPointer<CChar>

    init(library: String, config: String) throws {
        guard let handle = dlopen(library, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw HostError(message: "dlopen \(library): \(String(cString: dlerror()))")
        }
        guard let symbol = dlsym(handle, "kai_plugin_entry_v1") else { throw HostError(message: "no kai_plugin_entry_v1") }
        let entry = unsafeBitCast(symbol, to: kai_plugin_entry_fn.self)
        guard let plugin = entry(1) else { throw HostError(message: "the entry returned NULL for minor 1") }
        self.plugin = plugin
        self.config = .allocate(capacity: config.utf8.count)
        _ = self.config.initialize(from: config.utf8.map { CChar(bitPattern: $0) })
        host = .allocate(capacity: 1)
        host.initialize(to: kai_host())
        host.pointee.struct_size = UInt32(MemoryLayout<kai_host>.size)
        host.pointee.abi_minor = 1
        // Test hosts live for the process, so nothing here is ever freed.
        host.pointee.ctx = Unmanaged.passRetained(ConfigText(self.config)).toOpaque()
        host.pointee.log = { _, _, _, _ in }
        host.pointee.config = { host in
            let text = Unmanaged<ConfigText>.fromOpaque(host!.pointee.ctx!).takeUnretainedValue()
            return kai_str(data: text.bytes.baseAddress, len: text.bytes.count)
        }
        host.pointee.get_extension = { _, _ in nil }
        host.pointee.deadline = { _, _ in Int64.max }
        host.pointee.is_cancelled = { _, call in
            Unmanaged<CallState>.fromOpaque(call!.pointee.host_call!).takeUnretainedValue().cancelled.load(ordering: .relaxed)
        }
        let state = CallState()
        var instance: UnsafeMutableRawPointer?
        let code = withOutput(state) { plugin.pointee.create(host, $0, &instance) }
        guard code == KAI_OK else { throw HostError(message: "create failed (\(code)): \(String(decoding: state.error, as: UTF8.self))") }
        self.instance = instance
    }

    /// The config bytes the host hands out (valid for the process).
    final class ConfigText: @unchecked Sendable {
        let bytes: UnsafeMutableBufferPointer<CChar>
        init(_ bytes: UnsafeMutableBufferPointer<CChar>) { self.bytes = bytes }
    }

    /// One invoke(); `onEvent` answers KAI_EVENT_CONTINUE or KAI_EVENT_STOP
    /// and may cancel the call through the state it is given.
    func call(_ input: String, operation: UInt32 = UInt32(KAI_OP_INVOKE), stream: Bool = true,
              onEvent: ((Event, CallState) -> Int32)? = nil) -> Outcome {
        let state = CallState()
        state.onEvent = onEvent
        var sink = kai_event_sink()
        sink.struct_size = UInt32(MemoryLayout<kai_event_sink>.size)
        sink.ctx = Unmanaged.passUnretained(state).toOpaque()
        sink.on_event = { sink, event in
            let state = Unmanaged<CallState>.fromOpaque(sink!.pointee.ctx!).takeUnretainedValue()
            let decoded = ProviderTestHost.decode(event!)
            state.events.append(decoded)
            return state.onEvent?(decoded, state) ?? Int32(KAI_EVENT_CONTINUE)
        }
        let bytes = Array(input.utf8)
        let code: Int32 = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { text in
                withOutput(state) { output in
                    withUnsafePointer(to: &sink) { sinkPointer in
                        var call = kai_call()
                        call.struct_size = UInt32(MemoryLayout<kai_call>.size)
                        call.kind = KAI_KIND_PROVIDER
                        call.input = kai_str(data: text.baseAddress, len: text.count)
                        call.output = output
                        call.events = stream ? sinkPointer : nil
                        call.host_call = Unmanaged.passUnretained(state).toOpaque()
                        call.operation = operation
                        return "local".withCString { name in
                            call.name = kai_str(data: name, len: 5)
                            return plugin.pointee.invoke(instance, &call)
                        }
                    }
                }
            }
        }
        return Outcome(code: code, output: String(decoding: state.output, as: UTF8.self),
                       error: String(decoding: state.error, as: UTF8.self), events: state.events)
    }

    private func withOutput<T>(_ state: CallState, _ body: (UnsafePointer<kai_output>) -> T) -> T {
        var output = kai_output()
        output.struct_size = UInt32(MemoryLayout<kai_output>.size)
        output.ctx = Unmanaged.passUnretained(state).toOpaque()
        output.write = { out, data, len in
            let state = Unmanaged<CallState>.fromOpaque(out!.pointee.ctx!).takeUnretainedValue()
            if len > 0 { state.output += UnsafeRawBufferPointer(start: data, count: len) }
            return KAI_OK
        }
        output.set_error = { out, data, len in
            let state = Unmanaged<CallState>.fromOpaque(out!.pointee.ctx!).takeUnretainedValue()
            state.error = len > 0 ? Array(UnsafeRawBufferPointer(start: data, count: len)) : []
            return KAI_OK
        }
        return withUnsafePointer(to: &output) { body($0) }
    }

    private static func decode(_ event: UnsafePointer<kai_event>) -> Event {
        func string(_ s: kai_str) -> String {
            s.len == 0 ? "" : String(decoding: UnsafeRawBufferPointer(start: s.data, count: s.len), as: UTF8.self)
        }
        let raw = UnsafeRawPointer(event)
        switch Int32(event.pointee.type) {
        case KAI_EVENT_TEXT_DELTA:
            return .text(string(raw.load(as: kai_event_text_delta.self).text))
        case KAI_EVENT_TOOL_CALL_DELTA:
            let e = raw.load(as: kai_event_tool_call_delta.self)
            return .toolCall(index: e.index, id: string(e.id), name: string(e.name), arguments: string(e.arguments))
        case KAI_EVENT_USAGE:
            let e = raw.load(as: kai_event_usage.self)
            return .usage(input: e.input_tokens, output: e.output_tokens)
        case KAI_EVENT_DONE:
            let e = raw.load(as: kai_event_done.self)
            return .done(finishReason: string(e.finish_reason), result: string(e.result))
        default:
            let e = raw.load(as: kai_event_error.self)
            return .error(code: e.code, details: string(e.details))
        }
    }
}

struct HostError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
