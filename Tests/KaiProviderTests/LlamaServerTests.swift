import KaiCore
import KaiJSON
import Testing

/// The openai plugin against a real server: llama-cpp-python 0.3.36's own,
/// with SmolLM2-135M (greedy, so the answers are the same every run).
@Suite(.requiresLlamaServer, .serialized) struct LlamaServerTests {
    let server: LlamaServer
    let host: OpenAIHost

    init() throws {
        server = try LlamaServer()
        host = OpenAIHost(config: OpenAIFixtures.config(server.baseURL, endpoint: ["name": "llama"]))
    }

    static let weatherTool: JSONValue = [
        "name": "get_weather", "description": "The weather now in a city",
        "inputSchema": ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]],
    ]

    static func request(toolChoice: JSONValue? = nil) -> String {
        var request: JSONObject = ["model": "smollm2", "max_tokens": 100, "temperature": 0,
                                   "messages": [["role": "user", "content": "What is the weather in Paris?"]]]
        if let toolChoice {
            request["tools"] = [weatherTool]
            request["tool_choice"] = toolChoice
        }
        return JSONValue.object(request).serialized()
    }

    @Test func streamsText_deltasAddUpToTheResponse() throws {
        let (result, error, events) = host.stream(#"{"model": "smollm2", "max_tokens": 16, "temperature": 0, "messages": [{"role": "user", "content": "Say hi"}]}"#)
        #expect(error == nil)
        let text = events.compactMap { if case .textDelta(let text) = $0 { text } else { nil } }
        #expect(text.count > 1)
        #expect(result?.content == text.joined())
        #expect(result?.content.isEmpty == false)
        #expect(["length", "stop"].contains(result?.finishReason ?? ""))
        #expect(result?.model == "smollm2")
    }

    @Test func namedToolChoice_streamsToolCallDeltas_reassembledIntoOneCall() throws {
        let (result, error, events) = host.stream(Self.request(toolChoice: ["name": "get_weather"]))
        #expect(error == nil)
        let deltas = events.compactMap { if case .toolCallDelta(let index, let id, let name, let arguments) = $0 { (index, id, name, arguments) } else { nil } }
        #expect(deltas.count > 1)
        #expect(deltas.first?.1.hasPrefix("call__0_get_weather_") == true)
        #expect(deltas.first?.2 == "get_weather")
        #expect(deltas.dropFirst().allSatisfy { $0.0 == 0 && $0.1.isEmpty && $0.2.isEmpty })
        #expect(result?.finishReason == "tool_calls")
        #expect(result?.toolCalls.count == 1)
        #expect(result?.toolCalls.first?["name"] == "get_weather")
        #expect(result?.toolCalls.first?["arguments"]?["city"]?.stringValue?.isEmpty == false)
    }

    /// Not streamed it answers HTTP 500 with an empty message; streamed,
    /// HTTP 200 and an empty event stream. Both errors say what to try.
    @Test func toolChoiceRequired_fails_andTheErrorSaysWhatToTry() {
        let hint = #"some servers (llama-cpp-python) fail on tool_choice "required": try "auto" or name the tool"#
        let whole = host.complete(Self.request(toolChoice: "required")).error
        #expect(whole?.code == .unavailable)
        #expect(whole?.description == #"tool "dev.kai.openai.openai" failed (UNAVAILABLE): endpoint llama (\#(server.baseURL)/chat/completions) failed: HTTP 500 (the server gave no message); "# + hint)
        let streamed = host.stream(Self.request(toolChoice: "required")).error
        #expect(streamed?.code == .unavailable)
        #expect(streamed?.description == #"tool "dev.kai.openai.openai" failed (UNAVAILABLE): endpoint llama (\#(server.baseURL)/chat/completions) answered with an empty event stream: the server failed before sending anything; "# + hint)
    }

    @Test func listModels_asksTheServer() throws {
        let models = try host.host.listModels(provider: "openai")
        #expect(models.map(\.id) == [LlamaServer.model])
        #expect(models.first?.isDefault == true)
    }
}
