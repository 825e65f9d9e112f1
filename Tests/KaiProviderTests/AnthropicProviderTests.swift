import CKaiABI
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// The anthropic provider through the real host against transcripts of
/// Anthropic's documented examples (Tests/Fixtures/transcripts/anthropic).
@Suite struct AnthropicProviderTests {
    let server: TranscriptServer
    let host: AnthropicHost

    init() throws {
        server = try TranscriptServer(transcripts: "anthropic")
        host = AnthropicHost(config: AnthropicFixtures.config(server.baseURL))
    }

    @Test func streamedText_deltasAddUpToTheResponse_andUsageComesAtMessageStartThenFromMessageDelta() throws {
        let (result, error, events) = host.stream(AnthropicFixtures.request("text"))
        #expect(error == nil, "\(String(describing: error))")
        #expect(events == [.usage(inputTokens: 25, outputTokens: 1, costUSD: nil), .textDelta("Hello"), .textDelta("!"),
                           .usage(inputTokens: 25, outputTokens: 15, costUSD: nil)])
        #expect(result?.content == "Hello!")
        #expect(result?.finishReason == "stop")
        #expect(result?.usage?.inputTokens == 25)
        #expect(result?.usage?.outputTokens == 15)
        #expect(result?.response["model"]?.stringValue == "claude-sonnet-4-5")
        let sent = try server.lastRequest()
        #expect(sent["path"]?.stringValue == "/v1/messages")
        #expect(sent["headers"]?["anthropic-version"]?.stringValue == "2023-06-01")
        #expect(sent["headers"]?["accept"]?.stringValue == "text/event-stream")
        #expect(sent["body"]?["stream"]?.boolValue == true)
        #expect(sent["body"]?["max_tokens"]?.intValue == 4096)
    }

    @Test func text_notStreamed_readsTheMessage() {
        let (result, error) = host.complete(AnthropicFixtures.request("text"))
        #expect(error == nil, "\(String(describing: error))")
        #expect(result?.content == "Hi! My name is Claude.")
        #expect(result?.finishReason == "stop")
        #expect(result?.usage?.inputTokens == 2095)
        #expect(result?.usage?.outputTokens == 503)
    }

    @Test func toolUse_streamed_firstDeltaCarriesIdAndName_fragmentsAddUpToTheInput() {
        let (result, error, events) = host.stream(AnthropicFixtures.request("tool"))
        #expect(error == nil, "\(String(describing: error))")
        let calls = events.compactMap { event -> (UInt32, String, String, String)? in
            if case .toolCallDelta(let index, let id, let name, let arguments) = event { return (index, id, name, arguments) }
            return nil
        }
        #expect(calls.first.map { [String($0.0), $0.1, $0.2, $0.3] } == ["0", "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather", ""])
        #expect(calls.allSatisfy { $0.0 == 0 })
        #expect(calls.map(\.3).joined() == #"{"location": "San Francisco, CA", "unit": "fahrenheit"}"#)
        #expect(result?.content == "Okay, let's check the weather for San Francisco, CA:")
        #expect(result?.finishReason == "tool_calls")
        #expect(result?.toolCalls.count == 1)
        let call = result?.toolCalls.first
        #expect(call?["id"]?.stringValue == "toolu_01T1x1fJ34qAmk2tNTrN7Up6")
        #expect(call?["name"]?.stringValue == "get_weather")
        #expect(call?["arguments"]?.serialized() == #"{"location":"San Francisco, CA","unit":"fahrenheit"}"#)
        #expect(result?.usage?.outputTokens == 89)
    }

    @Test func toolUse_notStreamed_countsCacheTokensAsInput() {
        let (result, error) = host.complete(AnthropicFixtures.request("tool"))
        #expect(error == nil, "\(String(describing: error))")
        #expect(result?.content == "I'll check the current weather in San Francisco for you.")
        #expect(result?.toolCalls.first?["arguments"]?.serialized() == #"{"location":"San Francisco, CA","unit":"celsius"}"#)
        #expect(result?.finishReason == "tool_calls")
        #expect(result?.usage?.inputTokens == 384 + 100 + 16)
    }

    @Test(arguments: ["parallel", "interleaved"])
    func parallelToolUse_givesOneCallPerBlock_inBlockOrder(transcript: String) {
        let (result, error, events) = host.stream(AnthropicFixtures.request(transcript))
        #expect(error == nil, "\(String(describing: error))")
        let calls = result?.toolCalls ?? []
        #expect(calls.map { $0["name"]?.stringValue ?? "" } == ["get_weather", "get_time"])
        #expect(calls.map { $0["id"]?.stringValue ?? "" } == ["toolu_01WeatherSF00000000000001", "toolu_01TimeSF0000000000000002"])
        #expect(calls.map { $0["arguments"]?.serialized() ?? "" } == [#"{"location":"San Francisco, CA"}"#, #"{"timezone":"America/Los_Angeles"}"#])
        #expect(result?.finishReason == "tool_calls")
        // Each call's streamed fragments, gathered by the contract's index.
        var fragments: [UInt32: String] = [:]
        for case .toolCallDelta(let index, _, _, let arguments) in events { fragments[index, default: ""] += arguments }
        #expect(fragments == [0: #"{"location": "San Francisco, CA"}"#, 1: #"{"timezone": "America/Los_Angeles"}"#])
    }

    @Test func toolResults_goBackAsToolResultBlocksInOneUserTurn_systemOnTop() throws {
        let request: JSONValue = [
            "model": "tool-result",
            "messages": [
                ["role": "system", "content": "Be brief."],
                ["role": "user", "content": "Weather and time in SF?"],
                ["role": "assistant", "content": "Checking.", "tool_calls": [
                    ["id": "toolu_01A", "name": "get_weather", "arguments": ["location": "San Francisco, CA"]],
                    ["id": "toolu_01B", "name": "get_time", "arguments": [:]],
                ]],
                ["role": "tool", "tool_call_id": "toolu_01A", "content": "15 degrees"],
                ["role": "tool", "tool_call_id": "toolu_01B", "content": "clock unavailable", "is_error": true],
            ],
            "tools": [["name": "get_weather", "description": "Weather", "inputSchema": ["type": "object"]]],
            "tool_choice": ["name": "get_weather"],
            "stop": ["\n\nHuman:"],
            "temperature": 0.5,
            "max_tokens": 300,
        ]
        let (result, error, _) = host.stream(request.serialized())
        #expect(error == nil, "\(String(describing: error))")
        #expect(result?.content == "The current weather in San Francisco is 15 degrees Celsius (59 degrees Fahrenheit).")
        let body = try #require(try server.lastRequest()["body"])
        #expect(body["system"]?.stringValue == "Be brief.")
        #expect(body["messages"]?.serialized() == #"[{"role":"user","content":"Weather and time in SF?"},{"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"location":"San Francisco, CA"}},{"type":"tool_use","id":"toolu_01B","name":"get_time","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A","content":"15 degrees"},{"type":"tool_result","tool_use_id":"toolu_01B","content":"clock unavailable","is_error":true}]}]"#)
        #expect(body["tools"]?.serialized() == #"[{"name":"get_weather","description":"Weather","input_schema":{"type":"object"}}]"#)
        #expect(body["tool_choice"]?.serialized() == #"{"type":"tool","name":"get_weather"}"#)
        #expect(body["stop_sequences"]?.serialized() == #"["\n\nHuman:"]"#)
        #expect(body["temperature"]?.doubleValue == 0.5)
        #expect(body["max_tokens"]?.intValue == 300)
    }

    @Test(arguments: [("auto", #"{"type":"auto"}"#), ("none", #"{"type":"none"}"#), ("required", #"{"type":"any"}"#)])
    func toolChoice_mapsToAnthropicsTypes(choice: String, wire: String) throws {
        let request: JSONValue = ["model": "text", "messages": [["role": "user", "content": "hi"]],
                                  "tools": [["name": "t", "inputSchema": ["type": "object"]]], "tool_choice": .string(choice)]
        _ = host.complete(request.serialized())
        #expect(try server.lastRequest()["body"]?["tool_choice"]?.serialized() == wire)
    }

    @Test func jsonSchemaAnswer_isAForcedToolCall_whoseInputIsTheContent() throws {
        let schema: JSONValue = ["type": "object", "properties": ["sentiment": ["type": "string"], "score": ["type": "number"]]]
        let request: JSONValue = ["model": "json-answer", "messages": [["role": "user", "content": "Great product!"]],
                                  "response_format": ["type": "json_schema", "schema": schema]]
        let (result, error, events) = host.stream(request.serialized())
        #expect(error == nil, "\(String(describing: error))")
        #expect(result?.content == #"{"sentiment": "positive", "score": 0.9}"#)
        #expect(result?.toolCalls.isEmpty == true)
        #expect(result?.finishReason == "stop")
        let text = events.compactMap { if case .textDelta(let text) = $0 { text } else { nil } }.joined()
        #expect(text == result?.content)
        let body = try #require(try server.lastRequest()["body"])
        #expect(body["tool_choice"]?.serialized() == #"{"type":"tool","name":"kai_json_response"}"#)
        #expect(body["tools"]?.serialized() == #"[{"name":"kai_json_response","description":"Give the answer as this tool's input.","input_schema":\#(schema.serialized())}]"#)
    }

    @Test func temperatureAboveOne_isRefusedBeforeSending() {
        let request: JSONValue = ["model": "text", "messages": [["role": "user", "content": "hi"]], "temperature": 1.5]
        let error = host.complete(request.serialized()).error
        #expect(error?.code == .invalidInput)
        #expect(error?.description == "\(AnthropicFixtures.provider) (INVALID_INPUT): temperature 1.5 is above the Messages API's maximum of 1; use a value from 0 to 1")
    }

    @Test func apiKey_goesInXAPIKey_notBearer() throws {
        let host = AnthropicHost(config: AnthropicFixtures.config(server.baseURL, endpoint: ["api_key_secret": "anthropic_key"],
                                                                  top: ["anthropic_key": "sk-ant-test-1234567890"]),
                                 secrets: ["anthropic_key": "sk-ant-test-1234567890"])
        #expect(host.complete(AnthropicFixtures.request("text")).error == nil)
        let headers = try server.lastRequest()["headers"]
        #expect(headers?["x-api-key"]?.stringValue == "sk-ant-test-1234567890")
        #expect(headers?["authorization"] == nil)
    }

    @Test func listModels_asksGETv1Models() throws {
        let models = try host.host.listModels(provider: "anthropic")
        #expect(models.map(\.id) == ["claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001"])
        #expect(models.first?.description == "Claude Sonnet 4.5, endpoint replay (\(server.baseURL))")
        #expect(models.first?.isDefault == true)
        #expect(try server.lastRequest()["path"]?.stringValue == "/v1/models?limit=1000")
    }

    @Test func sinkAnsweringStop_endsWithTheTextSoFarAsStopped() throws {
        let harness = try AnthropicFixtures.harness(server)
        let outcome = harness.invoke(AnthropicFixtures.request("text")) { event in
            if case .text = event { return KAI_EVENT_STOP }
            return KAI_EVENT_CONTINUE
        }
        #expect(outcome.code == KAI_OK)
        #expect(outcome.json["message"]?["content"]?.stringValue == "Hello")
        #expect(outcome.json["finish_reason"]?.stringValue == "stopped")
        #expect(outcome.terminalEvents.count == 1)
        guard case .done(let reason, _)? = outcome.events.last else {
            Issue.record("the last event is not DONE: \(outcome.events)")
            return
        }
        #expect(reason == "stopped")
    }

    @Test func bundledHost_loadsTheAnthropicProviderWithoutConfig() {
        let host = Fixtures.bundledHost()
        #expect(host.failures.isEmpty)
        let provider = host.providers.first { $0.plugin.id == "dev.kai.anthropic" }
        #expect(provider?.qualifiedName == "dev.kai.anthropic.anthropic")
        #expect(provider?.plugin.manifest.abiMinor == 1)
    }

    @Test func noEndpoints_saysHowToConfigureThem() {
        let error = AnthropicHost(config: [:]).complete(AnthropicFixtures.request("text")).error
        #expect(error?.code == .invalidInput)
        #expect(error?.description == "\(AnthropicFixtures.provider) (INVALID_INPUT): no endpoints are configured: add endpoints: [{name: NAME, api_key_secret: KEY}] to the config of plugin dev.kai.anthropic (base_url defaults to https://api.anthropic.com)")
    }
}
