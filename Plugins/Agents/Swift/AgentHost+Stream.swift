import CKaiABI
import KaiJSON

extension AgentHost {
    /// Asks the provider with streaming: the model's text deltas go on to the
    /// caller as they come (the user watches the answer being written); the
    /// chat response comes back whole, from the terminal DONE event (or, if
    /// a host sent it empty, from the deltas).
    func stream(provider: String, request: JSONValue) -> Result<JSONValue, AgentFailure> {
        stream(provider: provider, request: request.serializedBytes())
    }

    /// `stream(provider:request:)` with the request already written.
    func stream(provider: String, request: [UInt8]) -> Result<JSONValue, AgentFailure> {
        guard let stream = host.pointee.provider_stream else {
            return .failure(AgentFailure(code: KAI_ERR_UNSUPPORTED, message: "this host does not offer provider_stream"))
        }
        let collector = StreamCollector(forward: call.pointee.events)
        let code = withExtendedLifetime(collector) { () -> kai_result in
            var sink = kai_event_sink(
                struct_size: UInt32(MemoryLayout<kai_event_sink>.size), reserved0: 0,
                ctx: Unmanaged.passUnretained(collector).toOpaque(), on_event: onStreamEvent)
            return KaiStr.with(provider) { provider in
                KaiStr.with(request) { request in
                    withUnsafePointer(to: &sink) { stream(host, call, provider, request, $0) }
                }
            }
        }
        return collector.result(code)
    }
}

/// What one provider stream delivered. Called by the host on the thread
/// that called provider_stream, one event at a time, so it needs no lock.
private final class StreamCollector {
    /// The call's own sink: text deltas are passed on to it.
    let forward: UnsafePointer<kai_event_sink>?
    var done: [UInt8]?
    var finishReason = "stop"
    var error: (code: kai_result, details: [UInt8])?
    var callerStopped = false
    var text = ""
    var calls: [UInt32: (id: String, name: String, arguments: String)] = [:]

    init(forward: UnsafePointer<kai_event_sink>?) { self.forward = forward }

    func receive(_ event: UnsafePointer<kai_event>) -> Int32 {
        switch Int32(bitPattern: event.pointee.type) {
        case KAI_EVENT_TEXT_DELTA:
            let delta = UnsafeRawPointer(event).assumingMemoryBound(to: kai_event_text_delta.self)
            text += KaiStr.string(delta.pointee.text)
            // The same event, borrowed for this callback, goes on as is.
            if let forward, let onEvent = forward.pointee.on_event, onEvent(forward, event) == KAI_EVENT_STOP {
                callerStopped = true
                return KAI_EVENT_STOP
            }
        case KAI_EVENT_TOOL_CALL_DELTA:
            let delta = UnsafeRawPointer(event).assumingMemoryBound(to: kai_event_tool_call_delta.self).pointee
            var entry = calls[delta.index] ?? ("", "", "")
            if entry.id.isEmpty { entry.id = KaiStr.string(delta.id) }
            if entry.name.isEmpty { entry.name = KaiStr.string(delta.name) }
            entry.arguments += KaiStr.string(delta.arguments)
            calls[delta.index] = entry
        case KAI_EVENT_DONE:
            let event = UnsafeRawPointer(event).assumingMemoryBound(to: kai_event_done.self).pointee
            done = KaiStr.bytes(event.result)
            finishReason = KaiStr.string(event.finish_reason)
        case KAI_EVENT_ERROR:
            let event = UnsafeRawPointer(event).assumingMemoryBound(to: kai_event_error.self).pointee
            error = (event.code, KaiStr.bytes(event.details))
        default:
            break
        }
        return KAI_EVENT_CONTINUE
    }

    func result(_ code: kai_result) -> Result<JSONValue, AgentFailure> {
        if callerStopped {
            return .failure(AgentFailure(code: KAI_ERR_CANCELLED, message: "the caller stopped the agent"))
        }
        if code != KAI_OK {
            return .failure(HostOutput.failure(code, details: error?.details ?? []))
        }
        if let done, !done.isEmpty {
            guard let response = try? JSONParser.parse(done) else {
                return .failure(AgentFailure(code: KAI_ERR_INTERNAL, message: "the provider's response was not JSON"))
            }
            return .success(response)
        }
        return .success(assembled())
    }

    /// The response the deltas add up to (a host that sent DONE without it).
    private func assembled() -> JSONValue {
        var message: JSONObject = ["role": "assistant", "content": text.isEmpty && !calls.isEmpty ? .null : .string(text)]
        if !calls.isEmpty {
            message["tool_calls"] = .array(calls.sorted { $0.key < $1.key }.map { _, entry in
                let arguments = (try? JSONParser.parse(entry.arguments)) ?? .object([:])
                return ["id": .string(entry.id), "name": .string(entry.name), "arguments": arguments]
            })
        }
        return ["message": .object(message), "finish_reason": .string(finishReason)]
    }
}

private let onStreamEvent: @convention(c) (UnsafePointer<kai_event_sink>?, UnsafePointer<kai_event>?) -> Int32 = { sink, event in
    guard let ctx = sink?.pointee.ctx, let event else { return KAI_EVENT_CONTINUE }
    return Unmanaged<StreamCollector>.fromOpaque(ctx).takeUnretainedValue().receive(event)
}
