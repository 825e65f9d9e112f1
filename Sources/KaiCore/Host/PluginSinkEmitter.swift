import CKaiABI
import KaiJSON

/// Turns the host's events back into kai_events for a plugin's sink.
/// @unchecked: it only wraps the caller's sink pointer, used while the
/// host service that was given the sink (provider_stream, the agent
/// extension's call_tool) runs, as kai_events.h requires.
struct PluginSinkEmitter: @unchecked Sendable {
    let sink: UnsafePointer<kai_event_sink>
    /// PROGRESS reaches the sink: a tool's, through call_tool. A provider
    /// stream's sink gets deltas and usage only.
    var passesProgress = false

    func emit(_ event: ToolEvent) -> EventReply {
        guard let onEvent = sink.pointee.on_event else { return .continue }
        let answer: Int32
        switch event {
        case .textDelta(let text):
            answer = Self.withStr(text) { text in
                var e = kai_event_text_delta(header: Self.header(kai_event_text_delta.self, KAI_EVENT_TEXT_DELTA), text: text)
                return Self.send(&e, onEvent, sink)
            }
        case .toolCallDelta(let index, let id, let name, let arguments):
            answer = Self.withStr(id) { id in Self.withStr(name) { name in Self.withStr(arguments) { arguments in
                var e = kai_event_tool_call_delta(header: Self.header(kai_event_tool_call_delta.self, KAI_EVENT_TOOL_CALL_DELTA),
                                                  index: index, reserved0: 0, id: id, name: name, arguments: arguments)
                return Self.send(&e, onEvent, sink)
            } } }
        case .usage(let input, let output, let cost):
            var e = kai_event_usage(header: Self.header(kai_event_usage.self, KAI_EVENT_USAGE),
                                    input_tokens: input, output_tokens: output, cost_usd: cost ?? -1)
            answer = Self.send(&e, onEvent, sink)
        case .progress(let progress, let total, let message):
            guard passesProgress else { return .continue }
            answer = Self.withStr(message) { message in
                var e = kai_event_progress(header: Self.header(kai_event_progress.self, KAI_EVENT_PROGRESS),
                                           progress: progress, total: total ?? 0, message: message)
                return Self.send(&e, onEvent, sink)
            }
        case .step:
            return .continue
        }
        return answer == KAI_EVENT_STOP ? .stop : .continue
    }

    func done(finishReason: String, result: [UInt8]) {
        guard let onEvent = sink.pointee.on_event else { return }
        _ = Self.withStr(finishReason) { finish in
            result.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { bytes in
                    var e = kai_event_done(header: Self.header(kai_event_done.self, KAI_EVENT_DONE), finish_reason: finish,
                                           result: kai_str(data: bytes.baseAddress, len: bytes.count))
                    return Self.send(&e, onEvent, sink)
                }
            }
        }
    }

    func error(code: ResultCode, message: String) {
        error(code: code, details: JSONValue.object(["message": .string(message)]).serializedBytes())
    }

    /// The terminal ERROR event with these details (a JSON object).
    func error(code: ResultCode, details: [UInt8]) {
        guard let onEvent = sink.pointee.on_event else { return }
        let details = String(decoding: details, as: UTF8.self)
        _ = Self.withStr(details) { details in
            var e = kai_event_error(header: Self.header(kai_event_error.self, KAI_EVENT_ERROR), code: code.rawValue,
                                    reserved0: 0, details: details)
            return Self.send(&e, onEvent, sink)
        }
    }

    private static func header<T>(_ type: T.Type, _ kind: Int32) -> kai_event {
        kai_event(struct_size: UInt32(MemoryLayout<T>.size), type: UInt32(kind))
    }

    private static func send<T>(
        _ event: inout T, _ onEvent: @convention(c) (UnsafePointer<kai_event_sink>?, UnsafePointer<kai_event>?) -> Int32,
        _ sink: UnsafePointer<kai_event_sink>
    ) -> Int32 {
        withUnsafePointer(to: &event) { $0.withMemoryRebound(to: kai_event.self, capacity: 1) { onEvent(sink, $0) } }
    }

    private static func withStr<R>(_ text: String, _ body: (kai_str) -> R) -> R {
        var text = text
        return text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { body(kai_str(data: $0.baseAddress, len: $0.count)) }
        }
    }
}
