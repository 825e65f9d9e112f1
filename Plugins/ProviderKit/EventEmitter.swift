import CKaiABI

/// Sends a provider stream's events to the caller's sink (kai_events.h).
///
/// Once the sink answers STOP, deltas are dropped (the contract: no more
/// deltas after STOP) but the one terminal event still goes out. Used only
/// on the thread running invoke(), so it needs no lock.
package final class EventEmitter {
    private let sink: UnsafePointer<kai_event_sink>?
    package private(set) var stopped = false

    package init(sink: UnsafePointer<kai_event_sink>?) { self.sink = sink }

    /// Whether the caller asked for events at all.
    package var isStreaming: Bool { sink != nil }

    package func text(_ text: String) {
        guard !stopped, !text.isEmpty else { return }
        withKaiStr(text) { str in
            var event = kai_event_text_delta(header: header(kai_event_text_delta.self, KAI_EVENT_TEXT_DELTA), text: str)
            send(&event)
        }
    }

    package func toolCall(index: Int, id: String, name: String, arguments: String) {
        guard !stopped else { return }
        withKaiStr(id) { id in
            withKaiStr(name) { name in
                withKaiStr(arguments) { arguments in
                    var event = kai_event_tool_call_delta(
                        header: header(kai_event_tool_call_delta.self, KAI_EVENT_TOOL_CALL_DELTA),
                        index: UInt32(clamping: index), reserved0: 0, id: id, name: name, arguments: arguments)
                    send(&event)
                }
            }
        }
    }

    package func usage(input: Int64, output: Int64, cost: Double?) {
        guard !stopped else { return }
        var event = kai_event_usage(header: header(kai_event_usage.self, KAI_EVENT_USAGE),
                                    input_tokens: UInt64(max(0, input)), output_tokens: UInt64(max(0, output)),
                                    cost_usd: cost ?? -1)
        send(&event)
    }

    /// The terminal success event, carrying the complete response.
    package func done(finishReason: String, result: [UInt8]) {
        withKaiStr(finishReason) { reason in
            withKaiStr(result) { result in
                var event = kai_event_done(header: header(kai_event_done.self, KAI_EVENT_DONE), finish_reason: reason, result: result)
                send(&event)
            }
        }
    }

    /// The terminal failure event; its code equals invoke()'s return value.
    package func error(_ error: ProviderError) {
        withKaiStr(error.detailsJSON) { details in
            var event = kai_event_error(header: header(kai_event_error.self, KAI_EVENT_ERROR), code: error.code,
                                        reserved0: 0, details: details)
            send(&event)
        }
    }

    private func header<T>(_ type: T.Type, _ kind: Int32) -> kai_event {
        kai_event(struct_size: UInt32(MemoryLayout<T>.size), type: kai_event_type(kind))
    }

    private func send<T>(_ event: inout T) {
        guard let sink, let onEvent = sink.pointee.on_event else { return }
        let reply = withUnsafePointer(to: &event) { pointer in
            pointer.withMemoryRebound(to: kai_event.self, capacity: 1) { onEvent(sink, $0) }
        }
        if reply == KAI_EVENT_STOP { stopped = true }
    }
}

/// Lends `text`'s UTF-8 bytes as a kai_str for the duration of `body`.
package func withKaiStr<R>(_ text: String, _ body: (kai_str) -> R) -> R {
    withKaiStr(Array(text.utf8), body)
}

package func withKaiStr<R>(_ bytes: [UInt8], _ body: (kai_str) -> R) -> R {
    bytes.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { body(kai_str(data: $0.baseAddress, len: $0.count)) }
    }
}

extension kai_str {
    /// The bytes, copied.
    package var bytes: [UInt8] {
        guard let data, len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: len))
    }

    package var string: String { String(decoding: bytes, as: UTF8.self) }
}
