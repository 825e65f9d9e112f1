import CKaiABI
import KaiJSON
import KaiProviderKit
import Synchronization

/// One configured instance of the provider: its endpoints, its pool of
/// open connections and the model lists it has discovered.
///
/// Calls run in parallel ("concurrency": "parallel"): everything here is
/// immutable or behind a lock, and each call gets its own transfer.
final class AnthropicInstance: ProviderPluginInstance {
    static let capabilityName = "anthropic"
    let config: AnthropicConfig
    let pool = TransferPool()
    /// Endpoint name → the model ids (and display names) GET /v1/models last gave.
    let discovered = Mutex<[String: [(id: String, displayName: String?)]]>([:])
    let log: HostLog
    /// The host table, valid until destroy(); only its [any-thread]
    /// services are used. A raw pointer is not Sendable; the pointee is.
    nonisolated(unsafe) let host: UnsafePointer<kai_host>

    init(host: UnsafePointer<kai_host>) throws(ProviderError) {
        self.host = host
        log = HostLog(host: host)
        config = try AnthropicConfig(json: PluginConfig.json(host: host))
    }

    /// KAI_OP_INVOKE: one message, streamed when the call has a sink.
    func chat(_ call: UnsafePointer<kai_call>, output: OutputSink) -> kai_result {
        ChatCall.run(call, host: host, output: output, log: log) { request, emitter, waiter throws(ProviderError) in
            let (endpoint, model) = try route(request["model"]?.stringValue, waiter: waiter)
            let exchange = Exchange(endpoint: endpoint, pool: pool, waiter: waiter)
            let body = try MessagesRequest.body(request, model: model, stream: emitter.isStreaming, endpoint: endpoint)
            let url = endpoint.messagesURL
            let reply = emitter.isStreaming
                ? try exchange.streamMessage(body: body, emitter: emitter)
                : try MessageDecoder.decode(exchange.fetch(exchange.request(.post, url: url, body: body)), endpoint: endpoint, url: url)
            return (reply.response(endpoint: endpoint, stopped: emitter.stopped), url, model)
        }
    }

    /// KAI_OP_LIST_MODELS: each endpoint's configured models, or what its
    /// GET /v1/models says now. An endpoint that cannot be asked is skipped
    /// (with a warning in the log) unless none can.
    func listModels(_ call: UnsafePointer<kai_call>, output: OutputSink) -> kai_result {
        let waiter = CallWaiter(host: host, call: call)
        return ModelListing.write(config.endpoints, to: output, log: log) { endpoint throws(ProviderError) in
            var listed: [(id: String, displayName: String?)] = endpoint.models?.map { ($0, nil) } ?? []
            if endpoint.models == nil { listed = try discover(endpoint, waiter: waiter) }
            let place = "endpoint \(endpoint.name) (\(endpoint.baseURL))"
            return listed.map { ($0.id, $0.displayName.map { "\($0), \(place)" } ?? place) }
        }
    }
}
