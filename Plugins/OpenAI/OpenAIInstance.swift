import CKaiABI
import KaiJSON
import KaiProviderKit
import Synchronization

/// One configured instance of the provider: its endpoints, its pool of
/// open connections and the model lists it has discovered.
///
/// Calls run in parallel ("concurrency": "parallel"): everything here is
/// immutable or behind a lock, and each call gets its own transfer.
final class OpenAIInstance: Sendable {
    let config: OpenAIConfig
    let pool = TransferPool()
    /// Endpoint name → the model ids its GET /models last gave.
    let discovered = Mutex<[String: [String]]>([:])
    /// The host table, valid until destroy(); only its [any-thread]
    /// services are used. A raw pointer is not Sendable; the pointee is.
    nonisolated(unsafe) let host: UnsafePointer<kai_host>

    init(host: UnsafePointer<kai_host>) throws(ProviderError) {
        self.host = host
        guard TransferPool.globalInit else { throw .internalError("libcurl failed to initialise (curl_global_init)") }
        let text = host.pointee.config?(host).bytes ?? []
        let json: JSONValue
        do {
            json = try JSONParser.parse(text.isEmpty ? Array("{}".utf8) : text)
        } catch {
            throw .invalidInput("the plugin's config is not JSON: \(error)")
        }
        config = try OpenAIConfig(json: json)
    }

    /// KAI_OP_INVOKE: one chat completion, streamed when the call has a sink.
    func chat(_ call: UnsafePointer<kai_call>, output: OutputSink) -> kai_result {
        let emitter = EventEmitter(sink: call.pointee.events)
        do throws(ProviderError) {
            guard case .object(let request)? = try? JSONParser.parse(call.pointee.input.bytes) else {
                throw .invalidInput("the chat request is not a JSON object")
            }
            let waiter = CallWaiter(host: host, call: call)
            let (endpoint, model) = try route(request["model"]?.stringValue, waiter: waiter)
            let exchange = Exchange(endpoint: endpoint, pool: pool, waiter: waiter)
            let body = WireRequest.body(request, model: model, stream: emitter.isStreaming)
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
            var response = try reply.response(endpoint: endpoint, stopped: emitter.stopped)
            if response["model"] == nil, case .object(var object) = response {
                object["model"] = .string(model)
                response = .object(object)
            }
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
    /// GET /models says now. An endpoint that cannot be asked is skipped
    /// (with a warning in the log) unless none can.
    func listModels(_ call: UnsafePointer<kai_call>, output: OutputSink) -> kai_result {
        let waiter = CallWaiter(host: host, call: call)
        var models: [JSONValue] = []
        var firstError: ProviderError? = nil
        for endpoint in config.endpoints {
            do throws(ProviderError) {
                var ids = endpoint.models ?? []
                if endpoint.models == nil { ids = try discover(endpoint, waiter: waiter) }
                for id in ids {
                    var model: JSONObject = ["id": .string(id), "description": .string("endpoint \(endpoint.name) (\(endpoint.baseURL))")]
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

    func log(_ level: kai_log_level, _ message: String) {
        HostLog(host: host)(level, message)
    }
}
