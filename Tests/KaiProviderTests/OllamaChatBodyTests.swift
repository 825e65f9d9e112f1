import KaiJSON
import KaiOllamaWire
import Testing

/// Kai's chat request as the body of Ollama's POST /api/chat.
@Suite struct OllamaChatBodyTests {
    @Test func body_mapsOptionsFormatToolsAndHistory() {
        let request: JSONObject = [
            "model": "llama3.2", "max_tokens": 50, "temperature": 0.5, "stop": ["END"], "seed": 7,
            "response_format": ["type": "json_schema", "name": "w", "schema": ["type": "object", "properties": ["t": ["type": "number"]]]],
            "tools": [["name": "get_weather", "description": "Weather now", "inputSchema": [
                "type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]]]],
            "messages": [
                ["role": "system", "content": "be brief"],
                ["role": "user", "content": "weather in Toronto?"],
                ["role": "assistant", "content": nil, "tool_calls": [["id": "c1", "name": "get_weather", "arguments": ["city": "Toronto"]]]],
                ["role": "tool", "tool_call_id": "c1", "content": "11 degrees celsius"],
                ["role": "tool", "tool_call_id": "c1", "content": "no such city", "is_error": true],
            ],
        ]
        #expect(ChatBody.body(request, model: "llama3.2", stream: true, keepAlive: "10m") == [
            "model": "llama3.2", "stream": true, "keep_alive": "10m",
            "options": ["num_predict": 50, "temperature": 0.5, "stop": ["END"], "seed": 7],
            "format": ["type": "object", "properties": ["t": ["type": "number"]]],
            "tools": [["type": "function", "function": ["name": "get_weather", "description": "Weather now", "parameters": [
                "type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]]]]],
            "messages": [
                ["role": "system", "content": "be brief"],
                ["role": "user", "content": "weather in Toronto?"],
                ["role": "assistant", "content": "", "tool_calls": [["function": ["name": "get_weather", "arguments": ["city": "Toronto"]]]]],
                ["role": "tool", "content": "11 degrees celsius", "tool_name": "get_weather"],
                ["role": "tool", "content": "Error: no such city", "tool_name": "get_weather"],
            ],
        ])
    }

    @Test func body_plainRequest_hasNoOptionsToolsOrFormat() {
        let request: JSONObject = ["messages": [["role": "user", "content": "hi"]], "response_format": ["type": "text"]]
        #expect(ChatBody.body(request, model: "m", stream: false) == [
            "model": "m", "stream": false, "messages": [["role": "user", "content": "hi"]],
        ])
    }

    @Test func toolChoice_noneSendsNoTools_aNamedToolSendsOnlyIt() {
        let tools: JSONValue = [["name": "a", "inputSchema": ["type": "object"]], ["name": "b", "inputSchema": ["type": "object"]]]
        let base: JSONObject = ["messages": [["role": "user", "content": "x"]], "tools": tools]
        var none = base
        none["tool_choice"] = "none"
        #expect(ChatBody.body(none, model: "m", stream: true)["tools"] == nil)
        var named = base
        named["tool_choice"] = ["name": "b"]
        #expect(ChatBody.body(named, model: "m", stream: true)["tools"] == [["type": "function", "function": ["name": "b", "parameters": ["type": "object"]]]])
        var required = base
        required["tool_choice"] = "required"
        #expect(ChatBody.body(required, model: "m", stream: true)["tools"]?.arrayValue?.count == 2)
    }

    @Test func toolResult_takesTheNameOfTheLatestCallWithItsId() {
        let messages: [JSONValue] = [
            ["role": "assistant", "tool_calls": [["id": "call_0", "name": "first", "arguments": [:]]]],
            ["role": "tool", "tool_call_id": "call_0", "content": "1"],
            ["role": "assistant", "tool_calls": [["id": "call_0", "name": "second", "arguments": [:]]]],
            ["role": "tool", "tool_call_id": "call_0", "content": "2"],
            ["role": "tool", "tool_call_id": "unknown", "content": "3"],
        ]
        let sent = ChatBody.body(["messages": .array(messages)], model: "m", stream: true)["messages"]?.arrayValue ?? []
        #expect(sent.map { $0["tool_name"] } == [nil, "second", nil, "second", nil])
    }
}
