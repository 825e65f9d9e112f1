import Foundation
import KaiCore
import KaiJSON
import KaiJSONSchema
import KaiTestSupport
import Synchronization
import Testing

/// Tool calls and JSON output from the local model, through KaiCore's
/// PluginHost.callProvider (which validates every request and response
/// against the ABI 1.1 schemas).
@Suite(.requiresLocalModel, .serialized)
struct LocalToolCallTests {
    static let host: PluginHost = {
        let settings = PluginSettings(config: ["threads": 2])
        return PluginHost.load(from: ListCatalog(sources: [PluginSource(path: LocalModelFixture.plugin, settings: settings)]))
    }()

    static let forecastSchema: JSONValue = try! JSONParser.parse(#"""
        {"type": "object", "additionalProperties": false,
         "required": ["city", "days", "unit"],
         "properties": {
           "city": {"type": "string", "description": "City name"},
           "days": {"type": "integer", "description": "How many days ahead"},
           "unit": {"enum": ["celsius", "fahrenheit"]},
           "hourly": {"type": "boolean"},
           "threshold": {"type": "number"}}}
        """#)

    static func request(_ choice: String, temperature: Double, seed: Int) -> [UInt8] {
        let tool = JSONValue.object(JSONObject([
            ("name", "get_forecast"), ("description", "Weather forecast for a city"), ("inputSchema", forecastSchema),
        ]))
        let request = JSONValue.object(JSONObject([
            ("messages", [["role": "user", "content": "What will the weather be in Lisbon for the next 3 days?"]]),
            ("tools", [tool]),
            ("tool_choice", try! JSONParser.parse(choice)),
            ("temperature", .number(temperature)),
            ("seed", .integer(Int64(seed))),
            ("max_tokens", 200),
        ]))
        return request.serializedBytes()
    }

    @Test func twentyCallsSampledAtTemperatureOne_allValidateAgainstTheToolSchema() throws {
        let schema = try JSONSchema(Self.forecastSchema)
        for seed in 1...20 {
            let result = try Self.host.callProvider("local", request: Self.request(#""required""#, temperature: 1, seed: seed))
            #expect(result.finishReason == "tool_calls", "seed \(seed): \(String(decoding: result.json, as: UTF8.self))")
            let calls = try #require(result.response["message"]?["tool_calls"]?.arrayValue, "seed \(seed): no tool_calls")
            #expect(calls.count == 1)
            #expect(calls[0]["name"] == "get_forecast")
            #expect(calls[0]["id"]?.stringValue?.hasPrefix("call_") == true)
            let arguments = try #require(calls[0]["arguments"])
            #expect(schema.validate(arguments) == [], "seed \(seed): \(arguments.serialized())")
        }
    }

    @Test func namedToolChoice_streamsTheCallAsItIsMade_idAndNameFirst_fragmentsMakingTheArguments() throws {
        let deltas = Mutex<[ToolEvent]>([])
        let options = CallOptions(onEvent: { event in
            deltas.withLock { $0.append(event) }
            return .continue
        })
        let result = try Self.host.callProvider("local", request: Self.request(#"{"name": "get_forecast"}"#, temperature: 0, seed: 1), options: options)
        #expect(result.finishReason == "tool_calls")
        let call = try #require(result.response["message"]?["tool_calls"]?.arrayValue?.first)
        let streamed = deltas.withLock { $0 }.compactMap { event -> (String, String, String)? in
            if case .toolCallDelta(0, let id, let name, let arguments) = event { return (id, name, arguments) }
            return nil
        }
        #expect(streamed.count > 2)
        #expect(streamed.first?.0 == call["id"]?.stringValue)
        #expect(streamed.first?.1 == "get_forecast")
        #expect(streamed.dropFirst().allSatisfy { $0.0.isEmpty && $0.1.isEmpty })
        #expect(try JSONParser.parse(streamed.map(\.2).joined()) == call["arguments"])
        #expect(result.response["message"]?["content"] == .null)
        #expect(!deltas.withLock { $0 }.contains { if case .textDelta = $0 { true } else { false } })
        #expect(result.timeToFirstTokenNanoseconds.map { $0 < result.durationNanoseconds } == true)
    }

    @Test func responseFormatJSONSchema_contentValidates() throws {
        let schema: JSONValue = try JSONParser.parse(#"{"type": "object", "required": ["name", "age"], "properties": {"name": {"type": "string", "maxLength": 20}, "age": {"type": "integer"}}}"#)
        let request = JSONValue.object(JSONObject([
            ("messages", [["role": "user", "content": "Invent a person. Answer in JSON."]]),
            ("response_format", .object(JSONObject([("type", "json_schema"), ("schema", schema)]))),
            ("temperature", 1), ("seed", 7), ("max_tokens", 100),
        ]))
        let result = try Self.host.callProvider("local", request: request.serializedBytes())
        #expect(result.finishReason == "stop")
        let content = try #require(result.response["message"]?["content"]?.stringValue)
        #expect(try JSONSchema(schema).validate(try JSONParser.parse(content)) == [], "\(content)")
    }

    @Test func autoToolChoice_givesEitherTextOrAValidCall_neverBoth() throws {
        for seed in 1...3 {
            let result = try Self.host.callProvider("local", request: Self.request(#""auto""#, temperature: 1, seed: seed))
            let message = try #require(result.response["message"])
            if let calls = message["tool_calls"]?.arrayValue {
                #expect(result.finishReason == "tool_calls")
                #expect(message["content"] == .null)
                #expect(try JSONSchema(Self.forecastSchema).validate(calls[0]["arguments"]!) == [])
            } else {
                let text = try #require(message["content"]?.stringValue)
                #expect(!text.hasPrefix("{"))
            }
        }
    }

    @Test func overlappingCalls_eachGetTheirOwnContext_andTheSameGreedyText() throws {
        let request = Array(#"{"messages": [{"role": "user", "content": "Name three colours."}], "temperature": 0, "max_tokens": 24}"#.utf8)
        let alone = try Self.host.callProvider("local", request: request).response["message"]?["content"]
        let results = Mutex<[JSONValue?]>([])
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            let content = try? Self.host.callProvider("local", request: request).response["message"]?["content"]
            results.withLock { $0.append(content) }
        }
        #expect(results.withLock { $0 } == [alone, alone, alone])
    }

    @Test func listModels_throughTheHost() throws {
        let models = try Self.host.listModels(provider: "local")
        #expect(models.map(\.id) == ["smollm2-135m-instruct.q4_1"])
        #expect(models.first?.isDefault == true)
        #expect(models.first?.contextLength == 2048)
    }
}

/// A plugin worker runs with HOME=/nonexistent; the provider still finds
/// the cache `make` filled under the user's home.
@Suite(.requiresLocalModel)
struct LocalProviderWorkerTests {
    static var cacheIsUnderPasswdHome: Bool {
        guard let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir else { return false }
        let environment = ProcessInfo.processInfo.environment
        let home = String(cString: dir) + "/.cache/kai"
        // `make` exports KAI_CACHE_DIR; naming the default itself is fine.
        return (environment["KAI_CACHE_DIR"] ?? home) == home && environment["XDG_CACHE_HOME"] == nil
            && LocalModelFixture.cache == home
    }

    @Test(.enabled(if: cacheIsUnderPasswdHome, "the cache is not the default one under the user's home"))
    func processIsolation_answersFromTheDefaultCache() throws {
        let settings = PluginSettings(config: ["threads": 2], isolation: .process)
        let host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: LocalModelFixture.plugin, settings: settings)]))
        defer { host.shutdown() }
        let request = Array(#"{"messages": [{"role": "user", "content": "Say hi."}], "temperature": 0, "max_tokens": 5}"#.utf8)
        let result = try host.callProvider("local", request: request)
        #expect(result.usage?.outputTokens ?? 0 > 0)
        #expect(result.model == "smollm2-135m-instruct.q4_1")
    }
}

/// Through the real host, whose EventRelay turns is_cancelled() true on a
/// STOP (kai_provider.h): the local provider must still finish "stopped".
@Suite(.requiresLocalModel)
struct LocalProviderHostEdgeTests {
    @Test func sinkAnsweringStop_throughTheRealHost_endsStopped_withUsage() throws {
        let seen = Atomic<Int>(0)
        let options = CallOptions(onEvent: { event in
            guard case .textDelta = event else { return .continue }
            return seen.add(1, ordering: .relaxed).newValue >= 3 ? .stop : .continue
        })
        let request = Array(#"{"messages": [{"role": "user", "content": "Tell a long story about a fox."}], "temperature": 0, "max_tokens": 100}"#.utf8)
        let result = try LocalToolCallTests.host.callProvider("local", request: request, options: options)
        #expect(result.finishReason == "stopped")
        #expect(seen.load(ordering: .relaxed) == 3)
        #expect((result.usage?.outputTokens ?? 0) >= 3)
    }

    /// llama.cpp takes C strings: a NUL would cut the prompt silently.
    @Test func aMessageWithANulCharacter_isRefusedSayingSo() throws {
        let request = Array(#"{"messages": [{"role": "user", "content": "hi\u0000there"}], "max_tokens": 5}"#.utf8)
        let error = try #require(throws: CallError.self) { try LocalToolCallTests.host.callProvider("local", request: request) }
        #expect(error.description(for: .provider).hasSuffix(
            #"a user message contains a NUL character (\u0000), which the local model's prompt cannot carry; remove it"#))
        #expect(error.code == .invalidInput)
    }
}
