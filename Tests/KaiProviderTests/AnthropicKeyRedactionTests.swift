import CKaiABI
import KaiJSON
import KaiTestSupport
import Testing

/// The plugin itself cuts the API key out of all server text it passes on,
/// even a key split between stream events (the host's scrubber is not
/// relied on: the plugin is called directly). The transcripts are fixed, so
/// the "key" is text they contain: "San Francisco", which tool.sse splits
/// across three input_json_delta fragments.
@Suite struct AnthropicKeyRedactionTests {
    static let key = "San Francisco"

    @Test func aKeySplitAcrossDeltas_isCutFromDeltasContentAndArguments() throws {
        let server = try TranscriptServer(transcripts: "anthropic")
        let harness = try AnthropicFixtures.harness(server, endpoint: ["api_key_secret": "anthropic_key"],
                                                    top: ["anthropic_key": .string(Self.key)])
        let outcome = harness.invoke(AnthropicFixtures.request("tool")) { _ in KAI_EVENT_CONTINUE }
        #expect(outcome.code == KAI_OK)
        var text = "", arguments = ""
        for event in outcome.events {
            switch event {
            case .text(let piece): text += piece
            case .toolCall(_, _, _, let fragment): arguments += fragment
            default: break
            }
        }
        #expect(text == "Okay, let's check the weather for <api key>, CA:")
        #expect(arguments == #"{"location": "<api key>, CA", "unit": "fahrenheit"}"#)
        #expect(!outcome.text.contains(Self.key))
        #expect(outcome.json["message"]?["tool_calls"]?.arrayValue?.first?["arguments"]?["location"]?.stringValue == "<api key>, CA")
        guard case .done(_, let result)? = outcome.events.last else {
            Issue.record("no DONE event: \(outcome.events)")
            return
        }
        #expect(!result.contains(Self.key))
    }

    @Test func theKeyInAModelList_isCut() throws {
        let server = try TranscriptServer(transcripts: "anthropic")
        let harness = try AnthropicFixtures.harness(server, endpoint: ["api_key_secret": "anthropic_key"],
                                                    top: ["anthropic_key": "Claude Sonnet"])
        let outcome = harness.invoke("{}", operation: UInt32(KAI_OP_LIST_MODELS))
        #expect(outcome.code == KAI_OK)
        #expect(outcome.json["models"]?.arrayValue?.first?["description"]?.stringValue == "<api key> 4.5, endpoint replay (\(server.baseURL))")
    }
}
