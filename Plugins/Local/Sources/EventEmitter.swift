import CKaiABI

/// Sends stream events to the caller's sink (kai_events.h), remembering
/// whether it answered STOP. Payload pointers are borrowed for the callback
/// only, as the ABI says.
struct EventEmitter {
    let sink: UnsafePointer<kai_event_sink>?
    private(set) var stopRequested = false

    init(_ sink: UnsafePointer<kai_event_sink>?) { self.sink = sink }

    var isStreaming: Bool { sink != nil }

    mutating func text(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, !stopRequested else { return }
        withStr(bytes) { text in
            var event = kai_event_text_delta(header: header(kai_event_text_delta.self, KAI_EVENT_TEXT_DELTA), text: text)
            send(&event)
        }
    }

    mutating func toolCall(index: UInt32, id: String, name: String, arguments: [UInt8]) {
        guard !stopRequested else { return }
        withStr(Array(id.utf8)) { id in
            withStr(Array(name.utf8)) { name in
                withStr(arguments) { arguments in
                    var event = kai_event_tool_call_delta(
                        header: header(kai_event_tool_call_delta.self, KAI_EVENT_TOOL_CALL_DELTA),
                        index: index, reserved0: 0, id: id, name: name, arguments: arguments)
                    send(&event)
                }
            }
        }
    }

    mutating func usage(input: Int, output: Int) {
        var event = kai_event_usage(
            header: header(kai_event_usage.self, KAI_EVENT_USAGE),
            input_tokens: UInt64(input), output_tokens: UInt64(output), cost_usd: 0)
        send(&event)
    }

    mutating func done(finishReason: String, result: [UInt8]) {
        withStr(Array(finishReason.utf8)) { reason in
            withStr(result) { result in
                var event = kai_event_done(header: header(kai_event_done.self, KAI_EVENT_DONE), finish_reason: reason, result: result)
                send(&event)
            }
        }
    }

    mutating func error(_ error: ProviderError) {
        withStr(error.detailsJSON) { details in
            var event = kai_event_error(header: header(kai_event_error.self, KAI_EVENT_ERROR), code: error.code, reserved0: 0, details: details)
            send(&event)
        }
    }

    private mutating func send<Event>(_ event: inout Event) {
        guard let sink, let onEvent = sink.pointee.on_event else { return }
        let answer = withUnsafePointer(to: &event) { pointer in
            pointer.withMemoryRebound(to: kai_event.self, capacity: 1) { onEvent(sink, $0) }
        }
        if answer == KAI_EVENT_STOP { stopRequested = true }
    }

    private func header<Event>(_ type: Event.Type, _ kind: Int32) -> kai_event {
        kai_event(struct_size: UInt32(MemoryLayout<Event>.size), type: kai_event_type(kind))
    }
}

/// Calls `body` with a kai_str borrowing `bytes`.
func withStr<T>(_ bytes: [UInt8], _ body: (kai_str) -> T) -> T {
    bytes.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { body(kai_str(data: $0.baseAddress, len: $0.count)) }
    }
}
