import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Logging
import Synchronization
import Testing

/// KaiProviderKit is a static library linked into each HTTP provider's .so:
/// two of them loaded in one process each keep their own copy (curl setup,
/// pools, types) and both work, one call after the other and at once.
@Suite struct ProviderKitSharingTests {
    @Test func openaiAndAnthropic_inOneHost_bothAnswer() throws {
        let scripted = try ScriptedOpenAIServer()
        let transcripts = try TranscriptServer(transcripts: "anthropic")
        let sources = [
            PluginSource(path: OpenAIFixtures.pluginPath, settings: PluginSettings(config: OpenAIFixtures.config(scripted.baseURL))),
            PluginSource(path: AnthropicFixtures.pluginPath, settings: PluginSettings(config: AnthropicFixtures.config(transcripts.baseURL))),
        ]
        let host = PluginHost.load(from: ListCatalog(sources: sources), logger: Logger(label: "kai.plugin") { _ in SwiftLogNoOpLogHandler() })
        #expect(host.failures.isEmpty)
        let openai = try host.callProvider("openai", request: Array(OpenAIFixtures.request("text").utf8))
        let anthropic = try host.callProvider("anthropic", request: Array(AnthropicFixtures.request("text").utf8))
        #expect(openai.content == "Hello, world!")
        #expect(anthropic.content == "Hi! My name is Claude.")
        // At once: each provider on its own thread, four calls each.
        let answers = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let (provider, request) = index % 2 == 0 ? ("openai", OpenAIFixtures.request("text")) : ("anthropic", AnthropicFixtures.request("text"))
            let content = (try? host.callProvider(provider, request: Array(request.utf8)))?.content ?? "failed"
            answers.withLock { $0.append(content) }
        }
        #expect(answers.withLock { $0.sorted() } == Array(repeating: "Hello, world!", count: 4) + Array(repeating: "Hi! My name is Claude.", count: 4))
    }
}
