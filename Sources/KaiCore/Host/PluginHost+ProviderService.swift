import CKaiABI
import KaiJSON

extension PluginHost {
    /// kai_host.provider_complete and provider_stream: a plugin (an agent)
    /// asking a provider within `parent`, through the same path as any call —
    /// validation, deadline and cancellation inherited from the parent, the
    /// call log. With `sink`, deltas go to it on this thread and then exactly
    /// one terminal event; without, the response goes to `output`.
    func providerFromPlugin(
        provider: String, request: [UInt8], parent: CallContext, output: UnsafePointer<kai_output>?,
        sink: UnsafePointer<kai_event_sink>?
    ) -> kai_result {
        // A plugin's request came from a plugin: its secret must not reach
        // another plugin's provider.
        let request = scrubber.scrubJSON(request)
        let stream = sink.map { PluginSinkEmitter(sink: $0) }
        do throws(CallError) {
            let (name, model) = Self.splitModel(provider)
            // "" is the host's choice: the first provider loaded.
            guard let entry = name.isEmpty ? providerIndex.entries.first : try providerIndex.resolve(name) else {
                throw .providerNotFound("", suggestion: nil)
            }
            let (request, requested) = Self.request(request, model: model)
            let details = CallDetails(model: requested, started: MonotonicClock.now())
            var onEvent: ToolEventHandler?
            if let stream {
                onEvent = { @Sendable event in
                    details.observe(event)
                    return stream.emit(event)
                }
            }
            let remaining = parent.deadline == MonotonicClock.noDeadline ? nil : Double(parent.deadline - MonotonicClock.now()) / 1e9
            let result = try observed(entry, arguments: request, taskType: nil, depth: parent.depth + 1, details: details) { () throws(CallError) in
                let result = try invoke(entry, arguments: request, deadline: parent.deadline, timeout: remaining,
                                        cancellation: parent.cancellation, parent: parent, outputLimit: 16 << 20, onEvent: onEvent)
                details.finished(response: result.json)
                return result
            }
            if let stream {
                let finish = details.response?["finish_reason"]?.stringValue ?? "stop"
                stream.done(finishReason: finish, result: result.json)
                return KAI_OK
            }
            guard let output, let write = output.pointee.write else { return KAI_OK }
            return result.json.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { write(output, $0.baseAddress, $0.count) }
            }
        } catch {
            let message = error.scrubbed(by: scrubber).description(for: .provider)
            stream?.error(code: error.code, message: message)
            return HostServices.fail(output, error.code, message)
        }
    }
}

/// Turns the host's events back into kai_events for a plugin's sink.
/// @unchecked: it only wraps the caller's sink pointer, used on the calling
/// thread while provider_stream runs, as kai_events.h requires.
private struct PluginSinkEmitter: @unchecked Sendable {
    let sink: UnsafePointer<kai_event_sink>

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
        case .progress:
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
        guard let onEvent = sink.pointee.on_event else { return }
        let details = String(decoding: JSONValue.object(["message": .string(message)]).serializedBytes(), as: UTF8.self)
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
