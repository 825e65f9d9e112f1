import Synchronization

/// Passes one call's events on with secret values scrubbed, across events:
/// each kind of text (progress messages, text deltas, one tool call's
/// arguments) goes through its own SecretScrubber.Stream, so a plugin
/// cannot get a key past by splitting it over two events. An event whose
/// text could end in the start of a value waits for the next of its kind;
/// events keep their order. `finish()`, once the call has returned,
/// releases whatever still waits.
final class ScrubbingEventRelay: Sendable {
    private enum Kind: Hashable {
        case progress, text, arguments(UInt32)
    }

    private struct Pending {
        var event: ToolEvent
        let kind: Kind?
        var ready: Bool
    }

    private struct State {
        var streams: [Kind: SecretScrubber.Stream] = [:]
        var queue: [Pending] = []
        var finished = false
    }

    private let state = Mutex(State())
    private let scrubber: SecretScrubber
    private let handler: ToolEventHandler

    init(scrubber: SecretScrubber, handler: @escaping ToolEventHandler) {
        self.scrubber = scrubber
        self.handler = handler
    }

    /// Events may come from any thread; the handler sees them one at a time.
    func handle(_ event: ToolEvent) -> EventReply {
        state.withLock { state in
            // A plugin thread still sending after the call returned.
            if state.finished { return handler(scrubber.scrub(event)) }
            guard let (kind, text) = Self.text(of: event) else {
                state.queue.append(Pending(event: scrubber.scrub(event), kind: nil, ready: true))
                return deliver(&state)
            }
            state.queue.append(Pending(event: event, kind: kind, ready: false))
            var stream = state.streams[kind] ?? scrubber.stream()
            let released = stream.push(text)
            state.streams[kind] = stream
            assign(released, to: kind, in: &state)
            return deliver(&state)
        }
    }

    /// Releases every held event: the call has returned.
    func finish() {
        state.withLock { state in
            guard !state.finished else { return }
            for (kind, var stream) in state.streams { assign(stream.finishText(), to: kind, in: &state) }
            state.streams = [:]
            state.finished = true
            _ = deliver(&state)
        }
    }

    private func assign(_ texts: [String], to kind: Kind, in state: inout State) {
        var next = 0
        for text in texts {
            while state.queue[next].kind != kind || state.queue[next].ready { next += 1 }
            state.queue[next].event = Self.event(state.queue[next].event, with: text, scrubber: scrubber)
            state.queue[next].ready = true
        }
    }

    /// Hands the ready events at the front of the queue to the handler.
    private func deliver(_ state: inout State) -> EventReply {
        var reply = EventReply.continue
        var count = 0
        while count < state.queue.count, state.queue[count].ready {
            if handler(state.queue[count].event) == .stop { reply = .stop }
            count += 1
        }
        state.queue.removeFirst(count)
        return reply
    }

    private static func text(of event: ToolEvent) -> (Kind, String)? {
        switch event {
        case .progress(_, _, let message): (.progress, message)
        case .usage, .step: nil
        case .textDelta(let text): (.text, text)
        case .toolCallDelta(let index, _, _, let arguments): (.arguments(index), arguments)
        }
    }

    private static func event(_ event: ToolEvent, with text: String, scrubber: SecretScrubber) -> ToolEvent {
        switch event {
        case .progress(let progress, let total, _): .progress(progress: progress, total: total, message: text)
        case .usage, .step: event
        case .textDelta: .textDelta(text)
        case .toolCallDelta(let index, let id, let name, _):
            .toolCallDelta(index: index, id: scrubber.scrub(id), name: scrubber.scrub(name), arguments: text)
        }
    }
}
