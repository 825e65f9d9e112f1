import CKaiABI
import Foundation
import KaiJSON
import Synchronization

/// A minimal ABI 1.1 host for one provider plugin: dlopen of the real .so,
/// its real describe/create/invoke, and the host services a provider uses
/// (config, log, deadline, is_cancelled, the kai.host.cancel/1 fd, an event
/// sink, an output). It lets the plugin's own behaviour — wire format,
/// quirks, errors, cancellation — be tested exactly, independent of the
/// host's provider routing (tested through PluginHost in ProviderHostTests).
final class ProviderHarness: @unchecked Sendable {
    // @unchecked: the pointers are written in init and only read after;
    // `logs` is behind a Mutex.
    let descriptor: UnsafePointer<kai_plugin>
    let manifest: JSONValue
    private let hostTable = UnsafeMutablePointer<kai_host>.allocate(capacity: 1)
    private let configBytes: UnsafeMutableBufferPointer<CChar>
    private var instance: UnsafeMutableRawPointer?
    let offersCancelFD: Bool
    /// The provider capability invoke() names.
    let capability: String
    let logs = Mutex<[String]>([])

    struct Failure: Error, CustomStringConvertible {
        let code: kai_result
        let message: String
        var description: String { "code \(code): \(message)" }
    }

    init(path: String, config: JSONValue, offersCancelFD: Bool = true, capability: String = "openai") throws(Failure) {
        guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw Failure(code: -1, message: "dlopen \(path): \(String(cString: dlerror()))")
        }
        guard let symbol = dlsym(library, "kai_plugin_entry_v1"),
              let descriptor = unsafeBitCast(symbol, to: kai_plugin_entry_fn.self)(1) else {
            throw Failure(code: -1, message: "no descriptor from \(path)")
        }
        self.descriptor = descriptor
        self.offersCancelFD = offersCancelFD
        self.capability = capability
        let describe = Collector()
        _ = describe.withOutput { descriptor.pointee.describe($0) }
        manifest = (try? JSONParser.parse(describe.output)) ?? .null
        let text = Array(config.serialized().utf8CString)
        configBytes = .allocate(capacity: text.count)
        _ = configBytes.initialize(from: text)
        var host = kai_host()
        host.struct_size = UInt32(MemoryLayout<kai_host>.size)
        host.abi_minor = 1
        host.log = harnessLog
        host.config = harnessConfig
        host.get_extension = harnessExtension
        host.deadline = harnessDeadline
        host.is_cancelled = harnessIsCancelled
        hostTable.initialize(to: host)
        hostTable.pointee.ctx = Unmanaged.passUnretained(self).toOpaque()
        let errors = Collector()
        var handle: UnsafeMutableRawPointer?
        let code = errors.withOutput { descriptor.pointee.create(hostTable, $0, &handle) }
        guard code == KAI_OK else { throw Failure(code: code, message: errors.message) }
        instance = handle
    }

    deinit {
        descriptor.pointee.destroy(instance)
        hostTable.deallocate()
        configBytes.deallocate()
    }

    var configString: kai_str { kai_str(data: configBytes.baseAddress, len: configBytes.count - 1) }

    /// Runs one call. `onEvent` nil: the call has no sink (not streaming).
    func invoke(_ input: String, operation: UInt32 = UInt32(KAI_OP_INVOKE), timeout: Double? = nil,
                call state: CallState = CallState(), onEvent: ((RecordedEvent) -> Int32)? = nil) -> CallOutcome {
        if let timeout { state.deadline = CallState.now() + Int64(timeout * 1e9) }
        state.onEvent = onEvent
        let name = Array(capability.utf8CString), bytes = Array(input.utf8)
        let collector = Collector()
        var sink = kai_event_sink(struct_size: UInt32(MemoryLayout<kai_event_sink>.size), reserved0: 0,
                                  ctx: Unmanaged.passUnretained(state).toOpaque(), on_event: harnessEvent)
        let code = name.withUnsafeBufferPointer { name in
            bytes.withUnsafeBufferPointer { input in
                input.withMemoryRebound(to: CChar.self) { input in
                    collector.withOutput { output in
                        withUnsafePointer(to: &sink) { sink in
                            var call = kai_call()
                            call.struct_size = UInt32(MemoryLayout<kai_call>.size)
                            call.kind = KAI_KIND_PROVIDER
                            call.name = kai_str(data: name.baseAddress, len: name.count - 1)
                            call.input = kai_str(data: input.baseAddress, len: input.count)
                            call.output = output
                            call.events = onEvent == nil ? nil : sink
                            call.host_call = Unmanaged.passUnretained(state).toOpaque()
                            call.operation = operation
                            return descriptor.pointee.invoke(instance, &call)
                        }
                    }
                }
            }
        }
        return CallOutcome(code: code, output: code == KAI_OK ? collector.output : [], message: code == KAI_OK ? nil : collector.message,
                           details: code == KAI_OK ? .null : (try? JSONParser.parse(collector.details)) ?? .null,
                           events: state.events.withLock { $0 })
    }

    func log(_ line: String) { logs.withLock { $0.append(line) } }
}

/// What one call gave back.
struct CallOutcome {
    let code: kai_result
    let output: [UInt8]
    /// The error details' "message".
    let message: String?
    /// The whole error details object (.null on success).
    let details: JSONValue
    let events: [RecordedEvent]

    var json: JSONValue { (try? JSONParser.parse(output)) ?? .null }
    var text: String { String(decoding: output, as: UTF8.self) }
}

enum RecordedEvent: Equatable {
    case text(String)
    case toolCall(index: UInt32, id: String, name: String, arguments: String)
    case usage(input: UInt64, output: UInt64, cost: Double)
    case done(finishReason: String, result: String)
    case error(code: kai_result, details: String)
}

/// One call's host-side state: deadline, cancellation and its fd, events.
final class CallState: @unchecked Sendable {
    // @unchecked: `cancelled` and `events` are behind Mutexes; the fds
    // are fixed at init; deadline and onEvent are set before invoke().
    var deadline = Int64.max
    var onEvent: ((RecordedEvent) -> Int32)?
    let cancelled = Mutex(false)
    let events = Mutex<[RecordedEvent]>([])
    let readFD: Int32
    private let writeFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        _ = pipe(&fds)
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Cancels the call as a host does: the flag, and the fd turns readable.
    func cancel() {
        cancelled.withLock { $0 = true }
        _ = write(writeFD, "x", 1)
    }

    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

/// A kai_output that keeps what it is given.
final class Collector {
    var output: [UInt8] = []
    var details: [UInt8] = []

    var message: String {
        (try? JSONParser.parse(details))?["message"]?.stringValue ?? String(decoding: details, as: UTF8.self)
    }

    func withOutput<R>(_ body: (UnsafePointer<kai_output>) -> R) -> R {
        var output = kai_output(struct_size: UInt32(MemoryLayout<kai_output>.size), reserved0: 0,
                                ctx: Unmanaged.passUnretained(self).toOpaque(), write: collectorWrite, set_error: collectorSetError)
        return withExtendedLifetime(self) { withUnsafePointer(to: &output) { body($0) } }
    }
}

private func collector(_ output: UnsafePointer<kai_output>?) -> Collector {
    Unmanaged<Collector>.fromOpaque(output!.pointee.ctx!).takeUnretainedValue()
}

private func collectorWrite(_ output: UnsafePointer<kai_output>?, _ data: UnsafePointer<CChar>?, _ length: Int) -> kai_result {
    collector(output).output.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
    return KAI_OK
}

private func collectorSetError(_ output: UnsafePointer<kai_output>?, _ data: UnsafePointer<CChar>?, _ length: Int) -> kai_result {
    collector(output).details = Array(UnsafeRawBufferPointer(start: data, count: length))
    return KAI_OK
}

private func harness(_ host: UnsafePointer<kai_host>?) -> ProviderHarness {
    Unmanaged<ProviderHarness>.fromOpaque(host!.pointee.ctx!).takeUnretainedValue()
}

private func state(_ call: UnsafePointer<kai_call>?) -> CallState {
    Unmanaged<CallState>.fromOpaque(call!.pointee.host_call!).takeUnretainedValue()
}

private func harnessLog(_ host: UnsafePointer<kai_host>?, _ level: kai_log_level, _ message: UnsafePointer<CChar>?, _ length: Int) {
    harness(host).log(String(decoding: UnsafeRawBufferPointer(start: message, count: length), as: UTF8.self))
}

private func harnessConfig(_ host: UnsafePointer<kai_host>?) -> kai_str { harness(host).configString }

nonisolated(unsafe) private let cancelTable: UnsafeMutablePointer<kai_host_cancel_v1> = {
    let table = UnsafeMutablePointer<kai_host_cancel_v1>.allocate(capacity: 1)
    table.initialize(to: kai_host_cancel_v1(struct_size: UInt32(MemoryLayout<kai_host_cancel_v1>.size), reserved0: 0,
                                            cancel_fd: { _, call in state(call).readFD }))
    return table
}()

private func harnessExtension(_ host: UnsafePointer<kai_host>?, _ id: UnsafePointer<CChar>?) -> UnsafeRawPointer? {
    guard let id, String(cString: id) == "kai.host.cancel/1", harness(host).offersCancelFD else { return nil }
    return UnsafeRawPointer(cancelTable)
}

private func harnessDeadline(_ host: UnsafePointer<kai_host>?, _ call: UnsafePointer<kai_call>?) -> Int64 { state(call).deadline }

private func harnessIsCancelled(_ host: UnsafePointer<kai_host>?, _ call: UnsafePointer<kai_call>?) -> Bool {
    let state = state(call)
    return state.cancelled.withLock { $0 } || CallState.now() >= state.deadline
}

private func harnessEvent(_ sink: UnsafePointer<kai_event_sink>?, _ event: UnsafePointer<kai_event>?) -> Int32 {
    guard let sink, let event else { return KAI_EVENT_CONTINUE }
    let state = Unmanaged<CallState>.fromOpaque(sink.pointee.ctx!).takeUnretainedValue()
    let recorded: RecordedEvent
    let raw = UnsafeRawPointer(event)
    switch Int32(event.pointee.type) {
    case KAI_EVENT_TEXT_DELTA:
        recorded = .text(raw.load(as: kai_event_text_delta.self).text.string)
    case KAI_EVENT_TOOL_CALL_DELTA:
        let delta = raw.load(as: kai_event_tool_call_delta.self)
        recorded = .toolCall(index: delta.index, id: delta.id.string, name: delta.name.string, arguments: delta.arguments.string)
    case KAI_EVENT_USAGE:
        let usage = raw.load(as: kai_event_usage.self)
        recorded = .usage(input: usage.input_tokens, output: usage.output_tokens, cost: usage.cost_usd)
    case KAI_EVENT_DONE:
        let done = raw.load(as: kai_event_done.self)
        recorded = .done(finishReason: done.finish_reason.string, result: done.result.string)
    case KAI_EVENT_ERROR:
        let error = raw.load(as: kai_event_error.self)
        recorded = .error(code: error.code, details: error.details.string)
    default:
        return KAI_EVENT_CONTINUE
    }
    state.events.withLock { $0.append(recorded) }
    let reply = state.onEvent?(recorded) ?? KAI_EVENT_CONTINUE
    // A host signals the cancel fd when its sink answers STOP.
    if reply == KAI_EVENT_STOP { state.cancel() }
    return reply
}

extension kai_str {
    var string: String {
        guard let data, len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: len), as: UTF8.self)
    }
}
