import KaiOllamaWire
import Testing

/// GET /api/tags (List Local Models) read into model ids and summaries.
@Suite struct OllamaModelTagsTests {
    @Test func documentedTags_giveIdsAndSummaries() throws {
        let models = try ModelTags.parse(try OllamaTranscripts.bytes("api_tags.json"), origin: "endpoint local (u)")
        #expect(models.map(\.id) == ["deepseek-r1:latest", "llama3.2:latest"])
        #expect(models.map(\.summary) == ["qwen2 7.6B Q4_K_M, 4.7 GB", "llama 3.2B Q4_K_M, 2.0 GB"])
    }

    @Test func otherBody_saysItIsNotOllamasModelList() {
        #expect(throws: WireError(#"endpoint local (http://h/api/tags) answered with something that is not Ollama's model list: {"object":"list","data":[]}; is base_url an Ollama server (e.g. http://127.0.0.1:11434, without /v1)?"#)) {
            try ModelTags.parse(Array(#"{"object":"list","data":[]}"#.utf8), origin: "endpoint local (http://h/api/tags)")
        }
    }
}
