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
final class OllamaInstance: Sendable {
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
        guard TransferPool.globalInit else { throw .internalError("libcurl failed to initialise (curl_global_init)") }
        let text = host.pointee.config?(host).bytes ?? []
        let json: JSONValue
        do {
            json = try JSONParser.parse(text.isEmpty ? Array("{}".utf8) : text)
        } catch {
            throw .invalidInput("the plugin's config is not JSON: \(error)")
        }
        config = try OllamaConfig(json: json)
    }

    /// KAI_OP_INVOKE: one chat answer, streamed when the call has a sink.
    func chat(_ call: UnsafePointer<kai_call>, output: OutputSink) -> kai_result {
        let emitter = EventEmitter(sink: call.pointee.events)
        do throws(ProviderError) {
            guard case .object(let request)? = try? JSONParser.parse(call.pointee.input.bytes) else {
                throw .invalidInput("the chat request is not a JSON object")
            }
            let waiter = CallWaiter(host: host, call: call)
            let (routed, model) = try route(request["model"]?.stringValue, waiter: waiter)
            let endpoint = routed.asking(for: model)
            let body = ChatBody.body(request, model: model, stream: emitter.isStreaming, keepAlive: endpoint.keepAlive.map(\.json))
            let exchange = ChatExchange(endpoint: endpoint, exchange: Exchange(endpoint: endpoint, pool: pool, waiter: waiter), emitter: emitter)
            var reply = try exchange.run(body: body.serializedBytes())
            if reply.model == nil { reply.model = model }
            let response = reply.response(stopped: emitter.stopped,
                                          cost: reply.usage.flatMap { endpoint.cost(input: $0.input, output: $0.output) })
            let bytes = response.serializedBytes()
            let finish = response["finish_reason"]?.stringValue ?? "stop"
            log(KAI_LOG_DEBUG, "POST \(endpoint.chatURL) model \(model)\(emitter.isStreaming ? ", streamed" : ""): \(finish)")
            if emitter.isStreaming { emitter.done(finishReason: finish, result: bytes) }
            return output.write(bytes)
        } catch {
            log(KAI_LOG_DEBUG, "chat request failed: \(error.message)")
            if emitter.isStreaming { emitter.error(error) }
            return output.fail(error)
        }
    }

    /// KAI_OP_LIST_MODELS: each endpoint's configured models, or what its
    /// GET /api/tags says now. An endpoint that cannot be asked is skipped
    /// (with a warning in the log) unless none can.
    func listModels(_ call: UnsafePointer<kai_call>, output: OutputSink) -> kai_result {
        let waiter = CallWaiter(host: host, call: call)
        var models: [JSONValue] = []
        var firstError: ProviderError? = nil
        for endpoint in config.endpoints {
            do throws(ProviderError) {
                var found = (endpoint.models ?? []).map { ModelTags.Model(id: $0, summary: nil) }
                if endpoint.models == nil { found = try tags(endpoint, waiter: waiter) }
                for tag in found {
                    let about = "endpoint \(endpoint.name) (\(endpoint.baseURL))" + (tag.summary.map { ": \($0)" } ?? "")
                    var model: JSONObject = ["id": .string(tag.id), "description": .string(about)]
                    if models.isEmpty { model["default"] = true }
                    models.append(.object(model))
                }
            } catch {
                if error.code == KAI_ERR_CANCELLED || error.code == KAI_ERR_DEADLINE_EXCEEDED { return output.fail(error) }
                firstError = firstError ?? error
                log(KAI_LOG_WARN, "model list of endpoint \(endpoint.name) skipped: \(error.message)")
            }
        }
        if models.isEmpty, let firstError { return output.fail(firstError) }
        return output.write(JSONValue.object(["models": .array(models)]).serializedBytes())
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
