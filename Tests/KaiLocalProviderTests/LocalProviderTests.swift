import CKaiABI
import KaiJSON
import KaiJSONSchema
import KaiTestSupport
import Testing

/// The `local` provider through its real C ABI, with the real libllama.so
/// and SmolLM2-135M-Instruct that `make` caches.
@Suite(.requiresLocalModel, .serialized)
struct LocalProviderTests {
    var host: ProviderTestHost { LocalModelFixture.shared! }

    static let greeting = #"{"messages": [{"role": "user", "content": "Write three sentences about the sea."}], "temperature": 0, "max_tokens": 40}"#

    @Test func streaming_sendsSeveralTextDeltas_thatConcatenateToTheResponseContent() throws {
        let outcome = host.call(Self.greeting)
        #expect(outcome.code == KAI_OK, "\(outcome.error)")
        let deltas = outcome.events.compactMap { if case .text(let t) = $0 { t } else { nil } }
        #expect(deltas.count > 1)
        let content = try #require(outcome.json?["message"]?["content"]?.stringValue)
        #expect(deltas.joined() == content)
        #expect(!content.isEmpty)
        guard case .done(let reason, let result)? = outcome.events.last else { Issue.record("no DONE last: \(outcome.events)"); return }
        #expect(reason == outcome.json?["finish_reason"]?.stringValue)
        #expect(try JSONParser.parse(result) == outcome.json)
        #expect(outcome.events.filter { if case .done = $0 { true } else { false } }.count == 1)
    }

    @Test func maxTokens_endsWithLength_andCountsExactlyThatManyOutputTokens() throws {
        let outcome = host.call(#"{"messages": [{"role": "user", "content": "Count from 1 to 100."}], "temperature": 0, "max_tokens": 7}"#)
        #expect(outcome.code == KAI_OK, "\(outcome.error)")
        let json = try #require(outcome.json)
        #expect(json["finish_reason"] == "length")
        #expect(json["usage"]?["output_tokens"] == 7)
        #expect((json["usage"]?["input_tokens"]?.intValue ?? 0) > 0)
        #expect(outcome.events.contains(.usage(input: UInt64(json["usage"]!["input_tokens"]!.intValue!), output: 7)))
    }

    @Test func cancellation_midGeneration_stopsWithinOneToken() throws {
        var deltasAfterCancel = -1
        let outcome = host.call(#"{"messages": [{"role": "user", "content": "Tell a long story about a dragon."}], "temperature": 0, "max_tokens": 200}"#) { event, state in
            if case .text = event {
                if deltasAfterCancel >= 0 { deltasAfterCancel += 1 }
                let texts = state.events.filter { if case .text = $0 { true } else { false } }.count
                if texts == 3 { state.cancelled.store(true, ordering: .relaxed); deltasAfterCancel = 0 }
            }
            return Int32(KAI_EVENT_CONTINUE)
        }
        #expect(outcome.code == KAI_ERR_CANCELLED)
        #expect(deltasAfterCancel >= 0 && deltasAfterCancel <= 1)
        guard case .error(let code, _)? = outcome.events.last else { Issue.record("no ERROR last: \(outcome.events)"); return }
        #expect(code == KAI_ERR_CANCELLED)
    }

    @Test func sinkAnsweringStop_endsWithFinishStopped_andTheTextSoFar() throws {
        let outcome = host.call(#"{"messages": [{"role": "user", "content": "Tell a long story about a dragon."}], "temperature": 0, "max_tokens": 200}"#) { event, state in
            if case .text = event { return Int32(KAI_EVENT_STOP) }
            return Int32(KAI_EVENT_CONTINUE)
        }
        #expect(outcome.code == KAI_OK, "\(outcome.error)")
        let json = try #require(outcome.json)
        #expect(json["finish_reason"] == "stopped")
        let deltas = outcome.events.compactMap { if case .text(let t) = $0 { t } else { nil } }
        #expect(deltas.count == 1)
        #expect(json["message"]?["content"]?.stringValue?.hasPrefix(deltas[0]) == true)
    }

    @Test func stopSequence_endsTheTextBeforeIt_withFinishStop() throws {
        // Greedy decoding is deterministic: take a word from the middle of
        // one answer and ask again with it as a stop sequence.
        let free = try #require(host.call(Self.greeting).json?["message"]?["content"]?.stringValue)
        let words = free.split(separator: " ")
        try #require(words.count > 6, "too short an answer: \(free)")
        let stop = String(words[4])
        let before = String(free[..<free.range(of: stop)!.lowerBound])
        let stopped = host.call(#"{"messages": [{"role": "user", "content": "Write three sentences about the sea."}], "temperature": 0, "max_tokens": 40, "stop": [\#(JSONValue.string(stop).serialized())]}"#)
        let json = try #require(stopped.json, "\(stopped.error)")
        #expect(json["finish_reason"] == "stop")
        #expect(json["message"]?["content"]?.stringValue == before)
        let deltas = stopped.events.compactMap { if case .text(let t) = $0 { t } else { nil } }
        #expect(deltas.joined() == before)
    }

    @Test func sameSeedAtTemperatureOne_givesTheSameText_anotherSeedAnother() throws {
        func sample(_ seed: Int) -> String? {
            host.call(#"{"messages": [{"role": "user", "content": "Invent a name for a cat."}], "temperature": 1, "max_tokens": 24, "seed": \#(seed)}"#)
                .json?["message"]?["content"]?.stringValue
        }
        let first = try #require(sample(42))
        #expect(sample(42) == first)
        #expect(sample(43) != first || sample(44) != first)
    }

    @Test func promptLongerThanTheContext_isRefusedNamingContextLength() throws {
        let small = try ProviderTestHost(library: LocalModelFixture.plugin, config: #"{"threads": 2, "context_length": 64}"#)
        let long = String(repeating: "The sea is wide and deep. ", count: 40)
        let outcome = small.call(#"{"messages": [{"role": "user", "content": "\#(long)"}]}"#)
        #expect(outcome.code == KAI_ERR_INVALID_INPUT)
        let message = try #require(outcome.errorMessage)
        #expect(message.hasPrefix("the prompt is "))
        #expect(message.hasSuffix(" tokens; the local model's context_length is 64: shorten the conversation or raise `context_length` in the local provider's config"))
    }

    @Test func listModels_returnsTheConfiguredGGUF_asTheDefault() throws {
        let outcome = host.call("{}", operation: UInt32(KAI_OP_LIST_MODELS), stream: false)
        #expect(outcome.code == KAI_OK, "\(outcome.error)")
        let models = try #require(outcome.json?["models"]?.arrayValue)
        #expect(models.count == 1)
        #expect(models.first?["id"] == "smollm2-135m-instruct.q4_1")
        #expect(models.first?["default"] == true)
        #expect(models.first?["context_length"] == 2048)
    }

    @Test func anotherModelName_isNotFound_namingTheOneServed() {
        let outcome = host.call(#"{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}"#)
        #expect(outcome.code == KAI_ERR_NOT_FOUND)
        #expect(outcome.errorMessage == #"the local provider serves the model "smollm2-135m-instruct.q4_1", not "gpt-4o"; set `model` in its config to serve another GGUF file"#)
    }
}

/// What an operator sees when `make` has not run, or a path is wrong.
@Suite(.serialized)
struct LocalProviderSetupErrorTests {
    @Test func missingLibrary_saysWhereItLookedAndToRunMake() throws {
        let host = try ProviderTestHost(library: LocalModelFixture.plugin, config: #"{"library": "/nonexistent/libllama.so", "model": "/nonexistent/m.gguf"}"#)
        let outcome = host.call(#"{"messages": [{"role": "user", "content": "hi"}]}"#)
        #expect(outcome.code == KAI_ERR_UNAVAILABLE)
        #expect(outcome.errorMessage == "libllama.so not found at /nonexistent/libllama.so; run `make` (it builds llama.cpp once) or set `library` in the local provider's config")
        guard case .error(let code, _)? = outcome.events.last else { Issue.record("no ERROR event: \(outcome.events)"); return }
        #expect(code == KAI_ERR_UNAVAILABLE)
    }

    @Test(.requiresLlamaBuild) func missingModel_saysWhereItLookedAndToRunMake() throws {
        let host = try ProviderTestHost(library: LocalModelFixture.plugin, config: #"{"model": "/nonexistent/m.gguf"}"#)
        let outcome = host.call(#"{"messages": [{"role": "user", "content": "hi"}]}"#)
        #expect(outcome.code == KAI_ERR_UNAVAILABLE)
        #expect(outcome.errorMessage == "model not found at /nonexistent/m.gguf; run `make` (it extracts SmolLM2-135M-Instruct once) or set `model` in the local provider's config to a GGUF file")
        let listed = host.call("{}", operation: UInt32(KAI_OP_LIST_MODELS), stream: false)
        #expect(listed.errorMessage == outcome.errorMessage)
    }

    @Test func relativePaths_areRefusedAtCreate() {
        #expect(throws: HostError.self) { try ProviderTestHost(library: LocalModelFixture.plugin, config: #"{"model": "models/m.gguf"}"#) }
    }
}
