import CKaiABI
import KaiJSON

/// KAI_OP_INVOKE's frame, the same for every HTTP provider: the request
/// read as a JSON object, the answer's model filled in when the server
/// named none, a debug line in the log, the DONE event when streaming, and
/// every failure turned into the call's error (and an ERROR event).
package enum ChatCall {
    /// What a provider's `answer` gives: the chat response, the URL it was
    /// asked of and the model it was asked for (both for the log line).
    package typealias Answer = (response: JSONValue, url: String, model: String)

    package static func run(
        _ call: UnsafePointer<kai_call>, host: UnsafePointer<kai_host>, output: OutputSink, log: HostLog,
        answer: (JSONObject, EventEmitter, CallWaiter) throws(ProviderError) -> Answer
    ) -> kai_result {
        let emitter = EventEmitter(sink: call.pointee.events)
        do throws(ProviderError) {
            guard case .object(let request)? = try? JSONParser.parse(call.pointee.input.bytes) else {
                throw .invalidInput("the chat request is not a JSON object")
            }
            let waiter = CallWaiter(host: host, call: call)
            var (response, url, model) = try answer(request, emitter, waiter)
            if response["model"] == nil, case .object(var object) = response {
                object["model"] = .string(model)
                response = .object(object)
            }
            let bytes = response.serializedBytes()
            let finish = response["finish_reason"]?.stringValue ?? "stop"
            log(KAI_LOG_DEBUG, "POST \(url) model \(model)\(emitter.isStreaming ? ", streamed" : ""): \(finish)")
            if emitter.isStreaming { emitter.done(finishReason: finish, result: bytes) }
            return output.write(bytes)
        } catch {
            log(KAI_LOG_DEBUG, "chat request failed: \(error.message)")
            if emitter.isStreaming { emitter.error(error) }
            return output.fail(error)
        }
    }
}
