import CKaiABI
import KaiJSON
import Testing

/// The C face and call frame the three HTTP providers share through
/// KaiProviderKit (ProviderEntry, ChatCall, ModelRouter): each plugin, as a
/// real .so, refuses what is not its one provider or a known operation,
/// a request that is not a JSON object and "ENDPOINT:" without a model,
/// with its own exact text. No server is needed: the endpoint lists its
/// models, so nothing is asked before the refusal.
@Suite struct ProviderEntryTests {
    static let plugins = [(OpenAIFixtures.pluginPath, "openai"), (AnthropicFixtures.pluginPath, "anthropic"), (OllamaHost.pluginPath, "ollama")]

    func harness(_ plugin: (String, String), capability: String? = nil) throws -> ProviderHarness {
        let config: JSONValue = ["endpoints": [["name": "a", "base_url": "http://127.0.0.1:9", "models": ["m"]]]]
        return try ProviderHarness(path: plugin.0, config: config, capability: capability ?? plugin.1)
    }

    @Test(arguments: plugins)
    func aCallForAnotherCapability_isRefusedNamingTheOneItHas(plugin: (String, String)) throws {
        let outcome = try harness(plugin, capability: "other").invoke(#"{"messages": []}"#)
        #expect(outcome.code == KAI_ERR_UNSUPPORTED)
        #expect(outcome.message == "this plugin has one capability, the provider \"\(plugin.1)\"")
    }

    @Test(arguments: plugins)
    func anUnknownOperation_isRefusedNamingIt(plugin: (String, String)) throws {
        let outcome = try harness(plugin).invoke(#"{"messages": []}"#, operation: 99)
        #expect(outcome.code == KAI_ERR_UNSUPPORTED)
        #expect(outcome.message == "operation 99 is not one this provider knows")
    }

    @Test(arguments: plugins)
    func aRequestThatIsNotAJSONObject_isInvalidInput(plugin: (String, String)) throws {
        let outcome = try harness(plugin).invoke("[1, 2]")
        #expect(outcome.code == KAI_ERR_INVALID_INPUT)
        #expect(outcome.message == "the chat request is not a JSON object")
    }

    @Test(arguments: plugins)
    func anEndpointNamedWithoutAModel_saysHowToWriteIt(plugin: (String, String)) throws {
        let outcome = try harness(plugin).invoke(#"{"model": "a:", "messages": [{"role": "user", "content": "hi"}]}"#)
        #expect(outcome.code == KAI_ERR_INVALID_INPUT)
        #expect(outcome.message == "model \"a:\" names endpoint a but no model; write a:MODEL")
    }
}
