import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// The rest of what a real server or network does to a call: a cancel or
/// a silence while the server holds the stream open, a stream ending
/// inside a line (or merely without the last newline), a server echoing
/// the proxy token, and the same plugin in a worker process.
@Suite struct OllamaRobustnessTests {
    let server: TranscriptServer
    let host: OllamaHost
    static let prefix = #"tool "dev.kai.ollama.ollama" failed"#

    init() throws {
        server = try TranscriptServer(transcripts: "ollama", streamDefault: true)
        host = OllamaHost(server.baseURL)
    }

    var chat: String { "endpoint replay (\(server.baseURL)/api/chat)" }

    @Test func cancelWhileTheServerHoldsTheStream_endsTheCallAsCancelled() {
        let token = CancellationToken()
        Thread {
            server.waitUntilHanging()
            token.cancel()
        }.start()
        let (_, error, events) = host.stream(OllamaHost.request("hang"), token: token)
        #expect(events.isEmpty)
        #expect(error?.code == .cancelled)
    }

    @Test func silenceLongerThanTimeoutWhileStreaming_failsNamingTheSetting() {
        let impatient = OllamaHost(server.baseURL, endpoint: ["timeout_s": 1])
        let (_, error, _) = impatient.stream(OllamaHost.request("hang"))
        #expect(error?.code == .deadlineExceeded)
        #expect(error?.description == "\(Self.prefix) (DEADLINE_EXCEEDED): \(chat) sent nothing for 1 s while streaming (timeout_s, the longest wait for the server's next bytes); raise timeout_s in the endpoint's config or check the server")
    }

    @Test func streamEndingInsideALine_isUnavailable_butALastLineWithoutNewlineIsRead() {
        let cut = host.stream(OllamaHost.request("ends-inside-line")).error
        #expect(cut?.code == .unavailable)
        #expect(cut?.description == "\(Self.prefix) (UNAVAILABLE): \(chat) ended the stream in the middle of a line; the server may have stopped: retry")
        let (result, error, _) = host.stream(OllamaHost.request("no-final-newline"))
        #expect(error == nil)
        #expect(result?.usage == ProviderUsage(inputTokens: 26, outputTokens: 282, costUSD: nil))
    }

    @Test func proxyToken_echoedByTheServer_neverReachesEventsResultOrErrors() throws {
        // The token echo-token.ndjson and fail-401.json hold.
        let token = "sk-ollama-proxy-0123456789abcdef"
        let host = OllamaHost(server.baseURL, endpoint: ["api_key_secret": "proxy"], top: ["proxy": .string(token)], secrets: ["proxy": token])
        let (result, error, events) = host.stream(OllamaHost.request("echo-token"))
        #expect(error == nil)
        #expect(result?.content == "your token is <api key>.")
        let streamed = events.compactMap { if case .textDelta(let text) = $0 { text } else { nil } }.joined()
        #expect(streamed == "your token is <api key>.")
        #expect(try server.lastRequest()["headers"]?["authorization"] == .string("Bearer " + token))
        // Cut out before the server's text is clipped, so no start of it survives the cut.
        let echoed = host.stream(OllamaHost.request("error-echo-token-at-cut")).error
        #expect(echoed?.description == "\(Self.prefix) (UNAVAILABLE): \(chat) reported an error mid-stream: \(String(repeating: "x", count: 195))<api …")
        let refused = host.complete(OllamaHost.request("fail-401")).error
        #expect(refused?.code == .permissionDenied)
        #expect(refused?.description == "\(Self.prefix) (PERMISSION_DENIED): \(chat) refused the API key: HTTP 401: invalid token <api key>; check the API key in secret \"proxy\" (the plugin entry's secrets: {proxy: ENV_VAR}) and the variable's value")
    }

    @Test(arguments: [PluginIsolation.process, .sandbox])
    func inAWorkerProcess_streamsToolCallsAndCancels(isolation: PluginIsolation) {
        let isolated = OllamaHost(server.baseURL, isolation: isolation)
        let (result, error, events) = isolated.stream(OllamaHost.request("chat-streaming-tools-parallel"))
        #expect(error == nil)
        #expect(events.count == 3)
        #expect(result?.toolCalls.count == 2)
        let token = CancellationToken()
        Thread {
            server.waitUntilHanging()
            token.cancel()
        }.start()
        #expect(isolated.stream(OllamaHost.request("hang"), token: token).error?.code == .cancelled)
    }
}
