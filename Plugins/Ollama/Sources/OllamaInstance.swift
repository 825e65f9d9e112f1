import CKaiABI
import KaiJSON
import KaiOllamaWire
import KaiProviderKit
import Synchronization

/// One configured instance of the provider: its endpoints, its pool of
/// open connections and the model lists it has discovered.
///
/// Calls run in parallel ("concurrency": "parallel"): everything here is
/// immutable or behind a lock, and each call gets its own transfer.
final class OllamaInstance: ProviderPluginInstance {
    static let capabilityName = "ollama"
    let config: OllamaConfig
    let pool = TransferPool()
    /// Endpoint name → the model ids its GET /api/tags last gave.
    let discovered = Mutex<[String: [String]]>([:])
    let log: HostLog
    /// The host table, valid until destroy(); only its [any-thread]
    /// services are used. A raw pointer is not Sendable; the pointee is.
    nonisolated(unsafe) let host: UnsafePointer<kai_host>

    init(host: UnsafePointer<kai_host>) throws(ProviderError) {
        self.host = host
        log = HostLog(host: host)
        config = try OllamaConfig(json: PluginConfig.json(host: host))
    }

    /// KAI_OP_INVOKE: one chat answer, streamed when the call has a sink.
    func chat(_ call: UnsafePointer<kai_call>, output: OutputSink) -> kai_result {
        ChatCall.run(call, host: host, output: output, log: log) { request, emitter, waiter throws(ProviderError) in
            let (routed, model) = try route(request["model"]?.stringValue, waiter: waiter)
            let endpoint = routed.asking(for: model)
            let body = ChatBody.body(request, model: model, stream: emitter.isStreaming, keepAlive: endpoint.keepAlive.map(\.json))
            let exchange = ChatExchange(endpoint: endpoint, exchange: Exchange(endpoint: endpoint, pool: pool, waiter: waiter), emitter: emitter)
            var reply = try exchange.run(body: body.serializedBytes())
            // Set before the response is built, so "model" keeps its place in it.
            if reply.model == nil { reply.model = model }
            let response = reply.response(stopped: emitter.stopped,
                                          cost: reply.usage.flatMap { endpoint.cost(input: $0.input, output: $0.output) })
            return (response, endpoint.chatURL, model)
        }
    }

    /// KAI_OP_LIST_MODELS: each endpoint's configured models, or what its
    /// GET /api/tags says now. An endpoint that cannot be asked is skipped
    /// (with a warning in the log) unless none can.
    func listModels(_ call: UnsafePointer<kai_call>, output: OutputSink) -> kai_result {
        let waiter = CallWaiter(host: host, call: call)
        return ModelListing.write(config.endpoints, to: output, log: log) { endpoint throws(ProviderError) in
            var found = (endpoint.models ?? []).map { ModelTags.Model(id: $0, summary: nil) }
            if endpoint.models == nil { found = try tags(endpoint, waiter: waiter) }
            return found.map { ($0.id, "endpoint \(endpoint.name) (\(endpoint.baseURL))" + ($0.summary.map { ": \($0)" } ?? "")) }
        }
    }
}

extension OllamaEndpoint.KeepAlive {
    var json: JSONValue {
        switch self {
        case .text(let text): return .string(text)
        case .seconds(let seconds): return Saturating.exactInteger(seconds).map { .integer($0) } ?? .number(seconds)
        }
    }
}
