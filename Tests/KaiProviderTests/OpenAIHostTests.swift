import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Synchronization
import Testing

/// The openai plugin loaded by KaiCore's PluginHost and called through
/// callProvider/listModels, as `kai prompt` and `kai models` call it.
@Suite struct OpenAIHostTests {
    @Test func bundledHost_loadsTheOpenAIProviderWithoutFailures() {
        let host = Fixtures.bundledHost()
        #expect(host.failures.isEmpty)
        let provider = host.providers.first { $0.plugin.id == "dev.kai.openai" }
        #expect(provider?.qualifiedName == "dev.kai.openai.openai")
        #expect(provider?.plugin.manifest.abiMinor == 1)
    }

    @Test func unconfigured_callSaysToAddAnEndpoint() {
        let error = OpenAIHost(config: [:]).complete(OpenAIFixtures.request("text")).error
        #expect(error?.code == .invalidInput)
        #expect(error?.description.contains("no endpoints are configured: add endpoints: [{name: NAME, base_url: URL}] to the config of plugin dev.kai.openai") == true)
    }

    @Test func callProvider_streamsTextAndReturnsTheValidatedResponse() throws {
        let server = try ScriptedOpenAIServer()
        let host = OpenAIHost(config: OpenAIFixtures.config(server.baseURL))
        let (result, error, events) = host.stream(OpenAIFixtures.request("text"))
        #expect(error == nil)
        #expect(events == [.textDelta("Hello"), .textDelta(", "), .textDelta("world"), .textDelta("!"),
                           .usage(inputTokens: 12, outputTokens: 5, costUSD: nil)])
        #expect(result?.content == "Hello, world!")
        #expect(result?.finishReason == "stop")
        #expect(result?.model == "text")
        #expect(result?.usage == ProviderUsage(inputTokens: 12, outputTokens: 5, costUSD: nil))
        #expect(result?.timeToFirstTokenNanoseconds != nil)
    }

    @Test func sinkAnsweringStop_returnsTheTextSoFarAsStopped() throws {
        let server = try ScriptedOpenAIServer()
        let host = OpenAIHost(config: OpenAIFixtures.config(server.baseURL))
        let result = try host.host.callProvider("openai", request: Array(OpenAIFixtures.request("text").utf8),
                                                options: CallOptions(onEvent: { _ in .stop }))
        #expect(result.finishReason == "stopped")
        #expect(result.content == "Hello")
    }

    @Test(arguments: [PluginIsolation.process, .sandbox])
    func inAWorkerProcess_streamsAndCancels(isolation: PluginIsolation) throws {
        let server = try ScriptedOpenAIServer()
        let host = OpenAIHost(config: OpenAIFixtures.config(server.baseURL), isolation: isolation)
        let (result, error, events) = host.stream(OpenAIFixtures.request("tool-interleaved"))
        #expect(error == nil)
        #expect(events.count == 7)
        #expect(result?.toolCalls.count == 2)
        let token = CancellationToken()
        Thread {
            server.waitUntilHanging()
            token.cancel()
        }.start()
        #expect(host.stream(OpenAIFixtures.request("hang"), token: token).error?.code == .cancelled)
    }

    @Test func callProvider_withModelSuffix_streamsAToolCall() throws {
        let server = try ScriptedOpenAIServer()
        let host = OpenAIHost(config: OpenAIFixtures.config(server.baseURL))
        let request = #"{"messages": [{"role": "user", "content": "weather?"}]}"#
        let (result, error, events) = host.stream(request, provider: "openai/tool-openai")
        #expect(error == nil)
        #expect(events.first == .toolCallDelta(index: 0, id: "call_abc123", name: "get_weather", arguments: ""))
        #expect(result?.toolCalls == [["id": "call_abc123", "name": "get_weather", "arguments": ["city": "Paris"]]])
        #expect(result?.finishReason == "tool_calls")
    }

    @Test func request_mapsToolsToolChoiceAndHistoryToTheOpenAIWire() throws {
        let server = try ScriptedOpenAIServer()
        let host = OpenAIHost(config: OpenAIFixtures.config(server.baseURL))
        let request: JSONValue = [
            "model": "text", "max_tokens": 50, "temperature": 0.5, "stop": ["END"], "seed": 7,
            "tool_choice": ["name": "get_weather"],
            "tools": [["name": "get_weather", "description": "Weather now", "inputSchema": [
                "type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]]]],
            "messages": [
                ["role": "system", "content": "be brief"],
                ["role": "user", "content": "weather in Paris?"],
                ["role": "assistant", "content": nil, "tool_calls": [["id": "c1", "name": "get_weather", "arguments": ["city": "Paris"]]]],
                ["role": "tool", "tool_call_id": "c1", "content": "no such city", "is_error": true],
            ],
        ]
        #expect(host.complete(request.serialized()).error == nil)
        let sent = try server.lastRequest()["body"]
        #expect(sent == [
            "model": "text", "max_tokens": 50, "temperature": 0.5, "stop": ["END"], "seed": 7, "stream": false,
            "tool_choice": ["type": "function", "function": ["name": "get_weather"]],
            "tools": [["type": "function", "function": ["name": "get_weather", "description": "Weather now", "parameters": [
                "type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]]]]],
            "messages": [
                ["role": "system", "content": "be brief"],
                ["role": "user", "content": "weather in Paris?"],
                ["role": "assistant", "content": nil, "tool_calls": [
                    ["id": "c1", "type": "function", "function": ["name": "get_weather", "arguments": #"{"city":"Paris"}"#]]]],
                ["role": "tool", "tool_call_id": "c1", "content": "Error: no such city"],
            ],
        ])
    }

    @Test func routing_endpointPrefixModelListsAndDefault() throws {
        let server = try ScriptedOpenAIServer()
        let config: JSONValue = ["endpoints": [
            ["name": "first", "base_url": .string(server.baseURL), "models": ["length", "unicode"]],
            ["name": "second", "base_url": .string(server.baseURL)],
        ]]
        let host = OpenAIHost(config: config)
        #expect(host.complete(#"{"messages": [{"role": "user", "content": "x"}]}"#).result?.finishReason == "length")
        #expect(host.complete(OpenAIFixtures.request("unicode")).result?.content == "héllo 🌍 世界")
        #expect(host.complete(OpenAIFixtures.request("second:tool-interleaved")).result?.toolCalls.count == 2)
        // Found by asking the second endpoint's GET /models.
        #expect(host.complete(OpenAIFixtures.request("tool-openai")).result?.finishReason == "tool_calls")
        let error = host.complete(OpenAIFixtures.request("gpt-9")).error
        #expect(error?.code == .invalidInput)
        #expect(error?.description.contains(#"no configured endpoint serves model "gpt-9" (first: length, unicode; second: text, unicode, tool-openai, "#) == true)
    }

    @Test func consecutiveCalls_reuseOneConnection() throws {
        let server = try ScriptedOpenAIServer()
        let host = OpenAIHost(config: OpenAIFixtures.config(server.baseURL))
        var connections: [JSONValue?] = []
        for model in ["text", "tool-openai", "unicode"] {
            _ = host.stream(OpenAIFixtures.request(model))
            connections.append(try server.lastRequest()["connection"])
        }
        _ = host.complete(OpenAIFixtures.request("text"))
        connections.append(try server.lastRequest()["connection"])
        #expect(connections == [1, 1, 1, 1])
    }

    @Test func parallelCalls_onOneInstance_allSucceed() throws {
        let server = try ScriptedOpenAIServer()
        let host = OpenAIHost(config: OpenAIFixtures.config(server.baseURL))
        let contents = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { index in
            let content = host.stream(OpenAIFixtures.request(index % 2 == 0 ? "text" : "unicode")).result?.content ?? "failed"
            contents.withLock { $0.append(content) }
        }
        #expect(contents.withLock { $0.sorted() } == ["Hello, world!", "Hello, world!", "Hello, world!", "héllo 🌍 世界", "héllo 🌍 世界", "héllo 🌍 世界"])
    }

    @Test func listModels_configuredListsOrTheServersModels() throws {
        let server = try ScriptedOpenAIServer()
        let configured = OpenAIHost(config: OpenAIFixtures.config(server.baseURL, endpoint: ["models": ["a", "b"]]))
        let models = try configured.host.listModels(provider: "openai")
        #expect(models.map(\.id) == ["a", "b"])
        #expect(models.map(\.isDefault) == [true, false])
        #expect(models.first?.description == "endpoint scripted (\(server.baseURL))")
        let discovered = try OpenAIHost(config: OpenAIFixtures.config(server.baseURL)).host.listModels(provider: "openai")
        #expect(discovered.count == 26)
        #expect(discovered.first?.id == "text")
    }
}
