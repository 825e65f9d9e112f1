import CKaiABI
import KaiJSON

/// The host side of a kai_event_sink for one call: decodes the size-headed
/// events a plugin sends and hands them to the caller's handler.
///
/// Reads at most min(event's struct_size, our struct's size) bytes, so events
/// from plugins built against other 1.x headers decode safely; unknown event
/// types are skipped, as kai_events.h promises.
final class EventRelay {
    let handler: ToolEventHandler
    let context: CallContext

    init(handler: @escaping ToolEventHandler, context: CallContext) {
        self.handler = handler
        self.context = context
    }

    func receive(_ event: UnsafePointer<kai_event>) -> Int32 {
        guard let decoded = Self.decode(event) else { return KAI_EVENT_CONTINUE }
        if handler(decoded) == .stop {
            context.stop()
            return KAI_EVENT_STOP
        }
        return context.isCancelled ? KAI_EVENT_STOP : KAI_EVENT_CONTINUE
    }

    /// Runs `body` with a kai_event_sink that feeds this relay.
    func withSink<R>(_ body: (UnsafePointer<kai_event_sink>) -> R) -> R {
        var sink = kai_event_sink(
            struct_size: UInt32(MemoryLayout<kai_event_sink>.size), reserved0: 0,
            ctx: Unmanaged.passUnretained(self).toOpaque(), on_event: relayEvent)
        return withUnsafePointer(to: &sink, body)
    }

    static func decode(_ event: UnsafePointer<kai_event>) -> ToolEvent? {
        let header = event.pointee
        switch Int32(header.type) {
        case KAI_EVENT_PROGRESS:
            let e = copy(event, as: kai_event_progress.self)
            return .progress(progress: e.progress, total: e.total > 0 ? e.total : nil, message: HostServices.string(e.message))
        case KAI_EVENT_USAGE:
            let e = copy(event, as: kai_event_usage.self)
            return .usage(inputTokens: e.input_tokens, outputTokens: e.output_tokens, costUSD: e.cost_usd < 0 ? nil : e.cost_usd)
        case KAI_EVENT_TEXT_DELTA:
            return .textDelta(HostServices.string(copy(event, as: kai_event_text_delta.self).text))
        case KAI_EVENT_TOOL_CALL_DELTA:
            let e = copy(event, as: kai_event_tool_call_delta.self)
            return .toolCallDelta(index: e.index, id: HostServices.string(e.id), name: HostServices.string(e.name),
                                  arguments: HostServices.string(e.arguments))
        case KAI_EVENT_STEP:
            return step(HostServices.bytes(copy(event, as: kai_event_step.self).json))
        default:
            return nil
        }
    }

    /// A STEP event's JSON as a value; text that is not JSON becomes a
    /// string, which the host's event rules (EventRules) drop with a warning.
    static func step(_ json: [UInt8]) -> ToolEvent {
        .step((try? JSONParser.parse(json)) ?? .string(String(decoding: json, as: UTF8.self)))
    }

    /// Copies min(declared, ours) bytes into a zeroed struct of type T.
    static func copy<T>(_ event: UnsafePointer<kai_event>, as type: T.Type) -> T {
        let declared = Int(event.pointee.struct_size)
        let storage = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment)
        defer { storage.deallocate() }
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<T>.size)
        storage.copyMemory(from: event, byteCount: min(declared, MemoryLayout<T>.size))
        return storage.load(as: T.self)
    }
}

private let relayEvent: @convention(c) (UnsafePointer<kai_event_sink>?, UnsafePointer<kai_event>?) -> Int32 = { sink, event in
    guard let context = sink?.pointee.ctx, let event else { return KAI_EVENT_CONTINUE }
    return Unmanaged<EventRelay>.fromOpaque(context).takeUnretainedValue().receive(event)
}
