import CKaiABI
import KaiJSON

/// A kai_event as it crosses the pipe: its fields, copied. Tool events go
/// worker -> host; provider-stream events (with their terminal DONE/ERROR)
/// go host -> worker.
enum WireEvent: Sendable, Equatable {
    case tool(ToolEvent)
    case done(finishReason: String, result: [UInt8])
    case error(code: Int32, details: [UInt8])

    /// Copies a C event; nil for an event type this host does not know
    /// (kai_events.h: unknown types are skipped).
    static func from(_ event: UnsafePointer<kai_event>) -> WireEvent? {
        if let tool = EventRelay.decode(event) { return .tool(tool) }
        switch Int32(event.pointee.type) {
        case KAI_EVENT_DONE:
            let done = EventRelay.copy(event, as: kai_event_done.self)
            return .done(finishReason: HostServices.string(done.finish_reason), result: HostServices.bytes(done.result))
        case KAI_EVENT_ERROR:
            let error = EventRelay.copy(event, as: kai_event_error.self)
            return .error(code: error.code, details: HostServices.bytes(error.details))
        default:
            return nil
        }
    }

    func encode(_ writer: inout FrameWriter) {
        switch self {
        case .tool(.progress(let progress, let total, let message)):
            writer.u32(UInt32(KAI_EVENT_PROGRESS)); writer.f64(progress); writer.f64(total ?? 0); writer.string(message)
        case .tool(.usage(let input, let output, let cost)):
            writer.u32(UInt32(KAI_EVENT_USAGE)); writer.u64(input); writer.u64(output); writer.f64(cost ?? -1)
        case .tool(.textDelta(let text)):
            writer.u32(UInt32(KAI_EVENT_TEXT_DELTA)); writer.string(text)
        case .tool(.toolCallDelta(let index, let id, let name, let arguments)):
            writer.u32(UInt32(KAI_EVENT_TOOL_CALL_DELTA)); writer.u32(index)
            writer.string(id); writer.string(name); writer.string(arguments)
        case .tool(.step(let value)):
            writer.u32(UInt32(KAI_EVENT_STEP)); writer.data(value.serializedBytes())
        case .done(let finishReason, let result):
            writer.u32(UInt32(KAI_EVENT_DONE)); writer.string(finishReason); writer.data(result)
        case .error(let code, let details):
            writer.u32(UInt32(KAI_EVENT_ERROR)); writer.i32(code); writer.data(details)
        }
    }

    static func decode(_ reader: inout FrameReader) throws(FrameError) -> WireEvent {
        let type = Int32(try reader.u32())
        switch type {
        case KAI_EVENT_PROGRESS:
            let progress = try reader.f64(), total = try reader.f64()
            return .tool(.progress(progress: progress, total: total > 0 ? total : nil, message: try reader.string()))
        case KAI_EVENT_USAGE:
            let input = try reader.u64(), output = try reader.u64(), cost = try reader.f64()
            return .tool(.usage(inputTokens: input, outputTokens: output, costUSD: cost < 0 ? nil : cost))
        case KAI_EVENT_TEXT_DELTA:
            return .tool(.textDelta(try reader.string()))
        case KAI_EVENT_TOOL_CALL_DELTA:
            let index = try reader.u32(), id = try reader.string(), name = try reader.string()
            return .tool(.toolCallDelta(index: index, id: id, name: name, arguments: try reader.string()))
        case KAI_EVENT_STEP:
            return .tool(EventRelay.step(try reader.data()))
        case KAI_EVENT_DONE:
            let reason = try reader.string()
            return .done(finishReason: reason, result: try reader.data())
        case KAI_EVENT_ERROR:
            let code = try reader.i32()
            return .error(code: code, details: try reader.data())
        default:
            throw FrameError(description: "unknown event type \(type)")
        }
    }

    /// Rebuilds the C event for a plugin's sink; its pointers are valid only
    /// inside `body`, as kai_events.h promises.
    func withCEvent<R>(_ body: (UnsafePointer<kai_event>) -> R) -> R {
        func header<T>(_ type: T.Type, _ kind: Int32) -> kai_event {
            kai_event(struct_size: UInt32(MemoryLayout<T>.size), type: UInt32(kind))
        }
        switch self {
        case .tool(.progress(let progress, let total, let message)):
            return Self.withStr(Array(message.utf8)) { text in
                var event = kai_event_progress(header: header(kai_event_progress.self, KAI_EVENT_PROGRESS),
                                               progress: progress, total: total ?? 0, message: text)
                return Self.pass(&event, body)
            }
        case .tool(.usage(let input, let output, let cost)):
            var event = kai_event_usage(header: header(kai_event_usage.self, KAI_EVENT_USAGE),
                                        input_tokens: input, output_tokens: output, cost_usd: cost ?? -1)
            return Self.pass(&event, body)
        case .tool(.textDelta(let text)):
            return Self.withStr(Array(text.utf8)) { text in
                var event = kai_event_text_delta(header: header(kai_event_text_delta.self, KAI_EVENT_TEXT_DELTA), text: text)
                return Self.pass(&event, body)
            }
        case .tool(.toolCallDelta(let index, let id, let name, let arguments)):
            return Self.withStr(Array(id.utf8)) { id in
                Self.withStr(Array(name.utf8)) { name in
                    Self.withStr(Array(arguments.utf8)) { arguments in
                        var event = kai_event_tool_call_delta(
                            header: header(kai_event_tool_call_delta.self, KAI_EVENT_TOOL_CALL_DELTA),
                            index: index, reserved0: 0, id: id, name: name, arguments: arguments)
                        return Self.pass(&event, body)
                    }
                }
            }
        case .tool(.step(let value)):
            return Self.withStr(value.serializedBytes()) { json in
                var event = kai_event_step(header: header(kai_event_step.self, KAI_EVENT_STEP), json: json)
                return Self.pass(&event, body)
            }
        case .done(let finishReason, let result):
            return Self.withStr(Array(finishReason.utf8)) { reason in
                Self.withStr(result) { result in
                    var event = kai_event_done(header: header(kai_event_done.self, KAI_EVENT_DONE), finish_reason: reason, result: result)
                    return Self.pass(&event, body)
                }
            }
        case .error(let code, let details):
            return Self.withStr(details) { details in
                var event = kai_event_error(header: header(kai_event_error.self, KAI_EVENT_ERROR), code: code, reserved0: 0, details: details)
                return Self.pass(&event, body)
            }
        }
    }

    private static func withStr<R>(_ bytes: [UInt8], _ body: (kai_str) -> R) -> R {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body(kai_str(data: $0.baseAddress, len: $0.count)) }
        }
    }

    private static func pass<T, R>(_ event: inout T, _ body: (UnsafePointer<kai_event>) -> R) -> R {
        withUnsafePointer(to: &event) { $0.withMemoryRebound(to: kai_event.self, capacity: 1, body) }
    }
}
