import KaiJSON

/// A non-terminal event a running call sent through kai_call.events
/// (kai_events.h). Terminal events belong to provider streams, not tools.
public enum ToolEvent: Sendable, Equatable {
    case progress(progress: Double, total: Double?, message: String)
    case usage(inputTokens: UInt64, outputTokens: UInt64, costUSD: Double?)
    case textDelta(String)
    case toolCallDelta(index: UInt32, id: String, name: String, arguments: String)
    /// KAI_EVENT_STEP (kai_agent.h): one agent-step object, from an agent
    /// of minor 2 or later (the host drops steps that are not objects).
    case step(JSONValue)
}

/// What an event handler answers: keep going, or ask the call to end early
/// (the plugin then sees is_cancelled() turn true).
public enum EventReply: Sendable {
    case `continue`, stop
}

public typealias ToolEventHandler = @Sendable (ToolEvent) -> EventReply
