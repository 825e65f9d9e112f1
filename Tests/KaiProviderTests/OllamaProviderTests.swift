import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// The ollama plugin (the real .so, loaded by PluginHost) against Ollama's
/// documented answers replayed byte for byte: streamed and whole text, tool
/// calls given ids, what the server was sent, and the model list.
@Suite struct OllamaProviderTests {
    let server: TranscriptServer
    let host: OllamaHost

    init() throws {
        server = try TranscriptServer(transcripts: "ollama", streamDefault: true)
        host = OllamaHost(server.baseURL)
    }

    @Test func bundledHost_loadsTheOllamaProviderWithoutFailures() {
        let host = Fixtures.bundledHost()
        #expect(host.failures.isEmpty)
        let provider = host.providers.first { $0.plugin.id == "dev.kai.ollama" }
        #expect(provider?.qualifiedName == "dev.kai.ollama.ollama")
        #expect(provider?.plugin.manifest.abiMinor == 1)
    }

    @Test func unconfigured_callSaysToAddAnEndpoint() {
        let error = OllamaHost(config: [:]).complete(OllamaHost.request("chat-streaming")).error
        #expect(error?.code == .invalidInput)
        #expect(error?.description == #"tool "dev.kai.ollama.ollama" failed (INVALID_INPUT): no endpoints are configured: add endpoints: [{name: local, base_url: http://127.0.0.1:11434}] to the config of plugin dev.kai.ollama"#)
    }

    @Test func baseURLWithV1_isRefusedNamingTheNativeAddress() {
        let error = OllamaHost("http://127.0.0.1:11434/v1").complete(OllamaHost.request("chat-streaming")).error
        #expect(error?.code == .unavailable)
        #expect(error?.description == "tool \"dev.kai.ollama.ollama\" is unavailable: \(OllamaHost.pluginPath): create() failed with INVALID_INPUT: endpoint replay: base_url http://127.0.0.1:11434/v1 ends in /v1, but this provider speaks Ollama's native API under it: use http://127.0.0.1:11434 (for Ollama's OpenAI-compatible /v1, use the openai provider)")
    }

    @Test func endpointWithoutBaseURL_isOllamasDefaultAddress() {
        // Refused, or answered by an Ollama that happens to run here: either
        // way the message names the URL tried.
        let error = OllamaHost(config: ["endpoints": [["name": "local"]]]).stream(OllamaHost.request("kai-absent-model")).error
        #expect(error?.description.contains("endpoint local (http://127.0.0.1:11434/api/chat)") == true, "\(String(describing: error))")
    }

    @Test func streamedText_arrivesInPiecesWithUsageOnlyAtTheEnd() {
        let (result, error, events) = host.stream(OllamaHost.request("chat-streaming"))
        #expect(error == nil)
        #expect(events == ["The", " sky", " is", " blue", " because", " of", " Rayleigh", " scattering", "."].map(ToolEvent.textDelta)
            + [.usage(inputTokens: 26, outputTokens: 282, costUSD: nil)])
        #expect(result?.content == "The sky is blue because of Rayleigh scattering.")
        #expect(result?.finishReason == "stop")
        #expect(result?.model == "llama3.2")
        #expect(result?.usage == ProviderUsage(inputTokens: 26, outputTokens: 282, costUSD: nil))
    }

    @Test func sinkAnsweringStop_returnsTheTextSoFarAsStopped() throws {
        let result = try host.host.callProvider("ollama", request: Array(OllamaHost.request("chat-streaming").utf8),
                                                options: CallOptions(onEvent: { _ in .stop }))
        #expect(result.finishReason == "stopped")
        #expect(result.content == "The")
    }

    @Test func wholeAnswer_withoutStreaming_andItsCostFromPrices() throws {
        let priced = OllamaHost(server.baseURL, endpoint: ["price_input_per_1m": 1.0, "price_output_per_1m": 2.0])
        let (result, error) = priced.complete(OllamaHost.request("chat-no-streaming"))
        #expect(error == nil)
        #expect(result?.content == "Hello! How are you today?")
        #expect(result?.usage == ProviderUsage(inputTokens: 26, outputTokens: 298, costUSD: 26e-6 + 298 * 2e-6))
        #expect(try server.lastRequest()["body"]?["stream"] == false)
        #expect(host.stream(OllamaHost.request("chat-history-tools")).result?.content == "The current temperature in Toronto is 11°C.")
        #expect(host.stream(OllamaHost.request("chat-streaming-length")).result?.finishReason == "length")
    }

    @Test func streamedToolCall_getsAnIdThatTheResponseKeeps() throws {
        let (result, error, events) = host.stream(OllamaHost.request("chat-streaming-tools"))
        #expect(error == nil)
        guard case .toolCallDelta(let index, let id, let name, let arguments)? = events.first else {
            Issue.record("no tool-call delta first: \(events)")
            return
        }
        #expect(index == 0 && name == "get_weather" && arguments == #"{"city":"Tokyo"}"#)
        #expect(id.wholeMatch(of: /call_[0-9a-f]{8}_0/) != nil, "\(id)")
        #expect(result?.toolCalls == [["id": .string(id), "name": "get_weather", "arguments": ["city": "Tokyo"]]])
        #expect(result?.finishReason == "tool_calls")
        #expect(result?.content == "")
        let whole = host.complete(OllamaHost.request("chat-no-streaming-tools")).result
        #expect(whole?.toolCalls.first?["name"] == "get_weather")
        #expect(whole?.finishReason == "tool_calls")
    }

    @Test func parallelToolCalls_haveUniqueIdsInOrder_andNewOnesEachAnswer() throws {
        let first = host.stream(OllamaHost.request("chat-streaming-tools-parallel"))
        let second = host.stream(OllamaHost.request("chat-streaming-tools-parallel"))
        let ids = first.result?.toolCalls.compactMap { $0["id"]?.stringValue } ?? []
        let streamed = first.events.compactMap { if case .toolCallDelta(_, let id, _, _) = $0 { id } else { nil } }
        #expect(ids.count == 2)
        #expect(streamed == ids)
        #expect(ids.map { $0.suffix(2) } == ["_0", "_1"])
        #expect(ids[0].dropLast(2) == ids[1].dropLast(2))
        #expect(first.result?.toolCalls.map { $0["arguments"] } == [["city": "Tokyo"], ["city": "Paris"]])
        let again = second.result?.toolCalls.compactMap { $0["id"]?.stringValue } ?? []
        #expect(Set(again).isDisjoint(with: ids))
    }

    @Test func request_sentToOllama_mapsOptionsFormatToolsAndToolResults() throws {
        let host = OllamaHost(server.baseURL, endpoint: ["keep_alive": "10m", "api_key_secret": "token"], top: ["token": "sk-proxy-1"],
                              secrets: ["token": "sk-proxy-1"])
        let request: JSONValue = [
            "model": "chat-history-tools", "max_tokens": 50, "temperature": 0.5, "stop": ["END"], "seed": 7,
            "response_format": ["type": "json_schema", "schema": ["type": "object"]],
            "tools": [["name": "get_weather", "description": "Get the weather in a given city", "inputSchema": [
                "type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]]]],
            "messages": [
                ["role": "user", "content": "what is the weather in Toronto?"],
                ["role": "assistant", "content": nil, "tool_calls": [["id": "call_1", "name": "get_weather", "arguments": ["city": "Toronto"]]]],
                ["role": "tool", "tool_call_id": "call_1", "content": "11 degrees celsius"],
            ],
        ]
        #expect(host.stream(request.serialized()).error == nil)
        let sent = try server.lastRequest()
        #expect(sent["headers"]?["authorization"] == "Bearer sk-proxy-1")
        #expect(sent["headers"]?["accept"] == "application/x-ndjson")
        #expect(sent["body"] == [
            "model": "chat-history-tools", "stream": true, "keep_alive": "10m",
            "options": ["num_predict": 50, "temperature": 0.5, "stop": ["END"], "seed": 7],
            "format": ["type": "object"],
            "tools": [["type": "function", "function": ["name": "get_weather", "description": "Get the weather in a given city", "parameters": [
                "type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]]]]],
            "messages": [
                ["role": "user", "content": "what is the weather in Toronto?"],
                ["role": "assistant", "content": "", "tool_calls": [["function": ["name": "get_weather", "arguments": ["city": "Toronto"]]]]],
                ["role": "tool", "content": "11 degrees celsius", "tool_name": "get_weather"],
            ],
        ])
    }

    @Test func listModels_fromApiTags_orConfigured() throws {
        let models = try host.host.listModels(provider: "ollama")
        #expect(models.map(\.id) == ["deepseek-r1:latest", "llama3.2:latest"])
        #expect(models.map(\.isDefault) == [true, false])
        #expect(models.map(\.description) == ["endpoint replay (\(server.baseURL)): qwen2 7.6B Q4_K_M, 4.7 GB",
                                              "endpoint replay (\(server.baseURL)): llama 3.2B Q4_K_M, 2.0 GB"])
        let configured = try OllamaHost(server.baseURL, endpoint: ["models": ["a", "b"]]).host.listModels(provider: "ollama")
        #expect(configured.map(\.id) == ["a", "b"])
    }

    @Test func routing_endpointPrefix_pulledModels_andTheDefault() throws {
        let config: JSONValue = ["endpoints": [
            ["name": "first", "base_url": .string(server.baseURL), "models": ["chat-streaming-length"]],
            ["name": "second", "base_url": .string(server.baseURL)],
        ]]
        let host = OllamaHost(config: config)
        #expect(host.stream(#"{"messages": [{"role": "user", "content": "x"}]}"#).result?.finishReason == "length")
        #expect(host.complete(OllamaHost.request("second:chat-no-streaming")).result?.content == "Hello! How are you today?")
        // Asked of the second endpoint's GET /api/tags: llama3.2 is llama3.2:latest.
        _ = host.complete(OllamaHost.request("llama3.2"))
        #expect(try server.lastRequest()["body"]?["model"] == "llama3.2")
        let error = host.complete(OllamaHost.request("gpt-9")).error
        #expect(error?.code == .invalidInput)
        #expect(error?.description.hasSuffix(#"no configured endpoint serves model "gpt-9" (first: chat-streaming-length; second: deepseek-r1:latest, llama3.2:latest); name one of those, run `ollama pull gpt-9` on one, or write ENDPOINT:MODEL"#) == true)
    }
}
