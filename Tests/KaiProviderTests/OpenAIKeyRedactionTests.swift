import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// A server that echoes the API key — cut at the edge of the error text's
/// clip, split between two stream events, in a model id or a model list —
/// never gets any part of it past the plugin, even when the key is a plain
/// config value the host does not know to scrub.
@Suite struct OpenAIKeyRedactionTests {
    static let key = OpenAISecretTests.key

    /// Whether `text` holds any 6-character piece of the key.
    static func leaks(_ text: String) -> Bool {
        let key = Array(Self.key)
        return (0...(key.count - 6)).contains { text.contains(String(key[$0..<($0 + 6)])) }
    }

    static func plainConfigHost(_ server: ScriptedOpenAIServer) -> OpenAIHost {
        OpenAIHost(config: OpenAIFixtures.config(server.baseURL, endpoint: ["api_key_secret": "openai_key"],
                                                 top: ["openai_key": .string(key)]))
    }

    static func secretsHost(_ server: ScriptedOpenAIServer) -> OpenAIHost {
        OpenAIHost(config: OpenAIFixtures.config(server.baseURL, endpoint: ["api_key_secret": "openai_key"]),
                   secrets: ["openai_key": key])
    }

    @Test(arguments: ["plain config value", "secrets mechanism"])
    func keyCrossingTheErrorTextCut_isRedactedBeforeTheCut(_ source: String) throws {
        let server = try ScriptedOpenAIServer()
        let host = source == "secrets mechanism" ? Self.secretsHost(server) : Self.plainConfigHost(server)
        let filler = String(repeating: "x", count: 180)
        let streamed = host.stream(OpenAIFixtures.request("leak-at-cut")).error
        #expect(streamed?.code == .unavailable)
        #expect(streamed?.description.hasSuffix("endpoint scripted (\(server.baseURL)/chat/completions) sent a stream event that is not a JSON object: \(filler)<api key>; is \(server.baseURL) an OpenAI-compatible API?") == true)
        let whole = host.complete(OpenAIFixtures.request("leak-at-cut")).error
        #expect(whole?.code == .unavailable)
        #expect(whole?.description.hasSuffix("endpoint scripted (\(server.baseURL)/chat/completions) answered with something that is not a chat completion: \(filler)<api key>; is \(server.baseURL) an OpenAI-compatible API?") == true)
        for error in [streamed, whole] {
            #expect(!Self.leaks(error.map { "\($0.description) \(String(reflecting: $0))" } ?? ""))
        }
        #expect(!Self.leaks(host.logs.text))
    }

    @Test(arguments: ["plain config value", "secrets mechanism"])
    func keyCrossingTheErrorBodyCap_leavesNoStartOfItInTheMessage(_ source: String) throws {
        let server = try ScriptedOpenAIServer()
        let host = source == "secrets mechanism" ? Self.secretsHost(server) : Self.plainConfigHost(server)
        for error in [host.stream(OpenAIFixtures.request("fail-500-padded")).error,
                      host.complete(OpenAIFixtures.request("fail-500-padded")).error] {
            #expect(error?.code == .unavailable)
            #expect(error?.description.hasSuffix("endpoint scripted (\(server.baseURL)/chat/completions) failed: HTTP 500 (the server gave no message)") == true)
            #expect(!Self.leaks(error.map { "\($0.description) \(String(reflecting: $0))" } ?? ""))
        }
        #expect(!Self.leaks(host.logs.text))
    }

    @Test func keyTheHostDoesNotKnow_echoedInContentSplitAcrossEventsAndInTheModel_neverPassesThePlugin() throws {
        let server = try ScriptedOpenAIServer()
        let host = Self.plainConfigHost(server)
        let streamed = host.stream(OpenAIFixtures.request("echo-key"))
        let text = streamed.events.compactMap { if case .textDelta(let text) = $0 { text } else { nil } }.joined()
        #expect(text == "your key is <api key>.")
        #expect(streamed.result?.content == "your key is <api key>.")
        #expect(streamed.result?.model == "echo-<api key>")
        let whole = host.complete(OpenAIFixtures.request("echo-key"))
        #expect(whole.result?.content == "your key is <api key>.")
        #expect(whole.result?.model == "echo-<api key>")
        var seen = streamed.events.map { String(describing: $0) }
        for result in [streamed.result, whole.result] {
            seen.append(result.map { String(decoding: $0.json, as: UTF8.self) + String(describing: $0) } ?? "missing result")
        }
        #expect(!seen.contains(where: Self.leaks))
        #expect(!Self.leaks(host.logs.text))
    }

    /// The same with the key's first letter written as a JSON escape
    /// (`\u0073`), itself split between fragments: still cut, streamed and
    /// in the decoded arguments.
    @Test(arguments: ["echo-key-tool", "echo-key-tool-escaped"])
    func keyTheHostDoesNotKnow_splitAcrossToolCallArguments_neverPassesThePlugin(model: String) throws {
        let server = try ScriptedOpenAIServer()
        let host = Self.plainConfigHost(server)
        let streamed = host.stream(OpenAIFixtures.request(model))
        let arguments = streamed.events.compactMap { if case .toolCallDelta(_, _, _, let text) = $0 { text } else { nil } }.joined()
        #expect(arguments == #"{"key": "<api key>"}"#)
        let whole = host.complete(OpenAIFixtures.request(model))
        for result in [streamed.result, whole.result] {
            #expect(result?.response["message"]?["tool_calls"]?.arrayValue?.first?["arguments"]?["key"] == .string("<api key>"))
            #expect(!Self.leaks(result.map { String(decoding: $0.json, as: UTF8.self) } ?? ""))
        }
        #expect(!streamed.events.map { String(describing: $0) }.contains(where: Self.leaks))
    }

    /// A JSON answer (response_format json_schema) holding the key with its
    /// first letter a JSON escape split between deltas: cut from the deltas
    /// and the content, streamed and not.
    @Test func keyTheHostDoesNotKnow_inAJSONAnswerWithEscapes_neverPassesThePlugin() throws {
        let server = try ScriptedOpenAIServer()
        let host = Self.plainConfigHost(server)
        let request: JSONValue = ["model": "echo-key-json-escaped", "messages": [["role": "user", "content": "hi"]],
                                  "response_format": ["type": "json_schema", "schema": ["type": "object"]]]
        let streamed = host.stream(request.serialized())
        let text = streamed.events.compactMap { if case .textDelta(let text) = $0 { text } else { nil } }.joined()
        #expect(text == #"{"key": "<api key>"}"#)
        let whole = host.complete(request.serialized())
        for result in [streamed.result, whole.result] {
            #expect(result?.content == #"{"key": "<api key>"}"#)
            #expect(!Self.leaks(result.map { String(decoding: $0.json, as: UTF8.self) } ?? ""))
        }
    }

    @Test func keyTheHostDoesNotKnow_echoedInTheModelList_isRedacted() throws {
        let server = try ScriptedOpenAIServer()
        let host = Self.plainConfigHost(server)
        let ids = try host.host.listModels(provider: "openai").map(\.id)
        #expect(ids.contains("echo-<api key>"))
        #expect(!ids.contains(where: Self.leaks))
    }
}
