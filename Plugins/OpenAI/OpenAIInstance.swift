import CKaiABI
import KaiJSON
import KaiProviderKit
import Synchronization

/// One configured instance of the provider: its endpoints, its pool of
/// open connections and the model lists it has discovered.
///
/// Calls run in parallel ("concurrency": "parallel"): everything here is
/// immutable or behind a lock, and each call gets its own transfer.
final class OpenAIInstance: ProviderPluginInstance {
    static let capabilityName = "openai"
    let config: OpenAIConfig
    let pool = TransferPool()
    /// Recent conversations' messages as already written for the wire.
    let wireMessages = WireMessageCache()
    /// Endpoint name → the model ids its GET /models last gave.
    let discovered = Mutex<[String: [String]]>([:])
    let log: HostLog
    /// The host table, valid until destroy(); only its [any-thread]
    /// services are used. A raw pointer is not Sendable; the pointee is.
    nonisolated(unsafe) let host: UnsafePointer<kai_host>

    init(host: UnsafePointer<kai_host>) throws(ProviderError) {
        self.host = host
        log = HostLog(host: host)
        config = try OpenAIConfig(json: PluginConfig.json(host: host))
    }

    /// KAI_OP_INVOKE: one chat completion, streamed when the call has a sink.
    func chat(_ call: UnsafePointer<kai_call>, output: OutputSink) -> kai_result {
        ChatCall.run(call, host: host, output: output, log: log) { request, emitter, waiter throws(ProviderError) in
            let (endpoint, model) = try route(request["model"]?.stringValue, waiter: waiter)
            let exchange = Exchange(endpoint: endpoint, pool: pool, waiter: waiter)
            let body = WireRequest.body(request, model: model, stream: emitter.isStreaming, cache: wireMessages)
            let hint = request["tool_choice"]?.stringValue == "required"
                ? "some servers (llama-cpp-python) fail on tool_choice \"required\": try \"auto\" or name the tool" : nil
            let jsonAnswer = request["response_format"]?["type"]?.stringValue == "json_schema"
            var reply = emitter.isStreaming
                ? try exchange.stream(body: body, emitter: emitter, hint: hint, jsonAnswer: jsonAnswer)
                : try CompletionDecoder.decode(exchange.fetch(exchange.request(.post, url: endpoint.chatURL, body: body), hint: hint), endpoint: endpoint)
            if jsonAnswer, !emitter.isStreaming {
                // A key written with JSON escapes is spelled plainly, for redaction.
                var normalizer = JSONEscapeNormalizer()
                reply.content = normalizer.pass(reply.content) + normalizer.finish()
            }
            return try (reply.response(endpoint: endpoint, stopped: emitter.stopped), endpoint.chatURL, model)
        }
    }

    /// KAI_OP_LIST_MODELS: each endpoint's configured models, or what its
    /// GET /models says now. An endpoint that cannot be asked is skipped
    /// (with a warning in the log) unless none can.
    func listModels(_ call: UnsafePointer<kai_call>, output: OutputSink) -> kai_result {
        let waiter = CallWaiter(host: host, call: call)
        return ModelListing.write(config.endpoints, to: output, log: log) { endpoint throws(ProviderError) in
            var ids = endpoint.models ?? []
            if endpoint.models == nil { ids = try discover(endpoint, waiter: waiter) }
            return ids.map { ($0, "endpoint \(endpoint.name) (\(endpoint.baseURL))") }
        }
    }
}
