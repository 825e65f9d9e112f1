import KaiJSON
import Synchronization

/// Tokens and cost of one provider call, as the provider reported them.
public struct ProviderUsage: Sendable, Equatable {
    public var inputTokens: Int
    public var outputTokens: Int
    /// From the operator's configured prices; nil when unknown.
    public var costUSD: Double?

    public init(inputTokens: Int, outputTokens: Int, costUSD: Double?) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
    }

    /// The "usage" member of a chat response, if it has one.
    init?(response: JSONValue) {
        guard let usage = response["usage"], let input = usage["input_tokens"]?.intValue,
              let output = usage["output_tokens"]?.intValue else { return nil }
        self.init(inputTokens: Int(input), outputTokens: Int(output), costUSD: usage["cost_usd"]?.doubleValue)
    }
}

/// A provider's answer, validated against chat-response.schema.json.
public struct ProviderResult: Sendable {
    public let plugin: String
    /// The provider capability's name, e.g. "openai".
    public let provider: String
    /// The model that answered (as the server named it), else the one asked for.
    public let model: String?
    public let json: [UInt8]
    public let response: JSONValue
    /// One of chat-response.schema.json's closed set.
    public let finishReason: String
    public let usage: ProviderUsage?
    public let durationNanoseconds: Int64
    /// From the start of the call to the first text or tool-call delta; nil
    /// when the call did not stream or streamed nothing.
    public let timeToFirstTokenNanoseconds: Int64?

    /// The assistant's text ("" when it only called tools).
    public var content: String { response["message"]?["content"]?.stringValue ?? "" }

    /// The assistant's tool calls, in order.
    public var toolCalls: [JSONValue] { response["message"]?["tool_calls"]?.arrayValue ?? [] }
}

/// One model a provider can serve now (models.schema.json).
public struct ProviderModel: Sendable, Equatable {
    public let id: String
    public let description: String?
    public let contextLength: Int?
    public let isDefault: Bool

    public init(id: String, description: String?, contextLength: Int?, isDefault: Bool) {
        self.id = id
        self.description = description
        self.contextLength = contextLength
        self.isDefault = isDefault
    }
}

/// What a provider call adds to its CallReport, filled in while it runs.
/// A class so the observing wrapper sees what the body found; guarded by a
/// mutex because deltas may arrive on a worker's serving thread.
final class CallDetails: Sendable {
    private struct State {
        var model: String?
        var usage: ProviderUsage?
        var timeToFirstToken: Int64?
        var response: JSONValue?
    }

    private let state: Mutex<State>
    let started: Int64

    init(model: String?, started: Int64) {
        state = Mutex(State(model: model))
        self.started = started
    }

    var model: String? { state.withLock { $0.model } }
    var usage: ProviderUsage? { state.withLock { $0.usage } }
    var timeToFirstToken: Int64? { state.withLock { $0.timeToFirstToken } }
    /// The chat response, parsed once when the call finished.
    var response: JSONValue? { state.withLock { $0.response } }

    /// What a streamed event says: the first delta's time, the usage so far.
    func observe(_ event: ToolEvent) {
        switch event {
        case .textDelta, .toolCallDelta: firstToken()
        case .usage(let input, let output, let cost):
            streamed(usage: ProviderUsage(inputTokens: Int(clamping: input), outputTokens: Int(clamping: output), costUSD: cost))
        case .progress, .step: break
        }
    }

    func firstToken() {
        let now = MonotonicClock.now()
        state.withLock { if $0.timeToFirstToken == nil { $0.timeToFirstToken = now - started } }
    }

    /// From a chat response (validated, so it parses): the model that
    /// answered and the final usage win over what was asked and streamed.
    func finished(response json: [UInt8]) {
        guard let response = try? JSONParser.parse(json) else { return }
        let model = response["model"]?.stringValue, usage = ProviderUsage(response: response)
        state.withLock { state in
            state.response = response
            if let model { state.model = model }
            if let usage { state.usage = usage }
        }
    }

    /// Usage seen in the stream, for a call that failed before its response.
    func streamed(usage: ProviderUsage) {
        state.withLock { $0.usage = usage }
    }
}
