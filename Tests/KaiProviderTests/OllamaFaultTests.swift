import CKaiABI
import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// Each fault an Ollama server (or the network) can produce ends in a
/// precise error naming the endpoint and URL, with the result code a
/// router acts on: UNAVAILABLE for the server's fault (a fallback may be
/// taken), INVALID_INPUT for the caller's, DEADLINE_EXCEEDED in time.
@Suite struct OllamaFaultTests {
    let server: TranscriptServer
    let host: OllamaHost
    static let prefix = #"tool "dev.kai.ollama.ollama" failed"#

    init() throws {
        server = try TranscriptServer(transcripts: "ollama", streamDefault: true)
        host = OllamaHost(server.baseURL)
    }

    var chat: String { "endpoint replay (\(server.baseURL)/api/chat)" }

    @Test func http500_isUnavailableWithOllamasWords() {
        for error in [host.stream(OllamaHost.request("fail-500")).error, host.complete(OllamaHost.request("fail-500")).error] {
            #expect(error?.code == .unavailable)
            #expect(error?.description == "\(Self.prefix) (UNAVAILABLE): \(chat) failed: HTTP 500: llama runner process has terminated: signal: killed")
        }
    }

    @Test func http503_withRetryAfter_saysWhenToRetry() {
        let error = host.stream(OllamaHost.request("fail-503-retry-3")).error
        #expect(error?.code == .unavailable)
        #expect(error?.description == "\(Self.prefix) (UNAVAILABLE): \(chat) failed: HTTP 503: server busy, please try again.  maximum pending requests exceeded; it asks to retry after 3 s (Retry-After)")
    }

    @Test func http429_withRetryAfter_saysHowLongToWait() {
        let error = host.stream(OllamaHost.request("fail-429-retry-7")).error
        #expect(error?.code == .unavailable)
        #expect(error?.description == "\(Self.prefix) (UNAVAILABLE): \(chat) is limiting requests: HTTP 429: rate limit exceeded; wait 7 s (its Retry-After) and retry, or check the account's quota")
    }

    @Test func modelNotPulled_isTheCallersFault_andNamesOllamaPull() {
        let error = host.stream(OllamaHost.request("fail-404")).error
        #expect(error?.code == .invalidInput)
        #expect(error?.description == "\(Self.prefix) (INVALID_INPUT): \(chat) answered HTTP 404: model \"fail-404\" not found, try pulling it first; run `ollama pull fail-404` on that server, or name a model it has (kai models ollama); check that base_url (\(server.baseURL)) is the server's address, without /api or /v1")
    }

    @Test func connectionRefused_namesTheURLTried() {
        let url = "http://127.0.0.1:\(OpenAIFixtures.closedPort())"
        let error = OllamaHost(url).stream(OllamaHost.request("chat-streaming")).error
        #expect(error?.code == .unavailable)
        #expect(error?.description == "\(Self.prefix) (UNAVAILABLE): could not connect to endpoint replay (\(url)/api/chat): connection refused; is the server running? Check base_url in the plugin's config")
    }

    @Test func streamCutInTheMiddleOfALine_isUnavailableAfterWhatCame() {
        let (_, error, events) = host.stream(OllamaHost.request("cut-chat-streaming"))
        #expect(events == ["The", " sky", " is", " blue", " because"].map(ToolEvent.textDelta))
        #expect(error?.code == .unavailable)
        #expect(error?.description == "\(Self.prefix) (UNAVAILABLE): \(chat) closed the connection before the response was complete; the server may have stopped or restarted: retry")
    }

    @Test func malformedLine_isUnavailableQuotingIt() {
        let (_, error, events) = host.stream(OllamaHost.request("malformed-line"))
        #expect(events == [.textDelta("The")])
        #expect(error?.code == .unavailable)
        #expect(error?.description == #"\#(Self.prefix) (UNAVAILABLE): \#(chat) sent a line that is not a JSON object: {"model":"llama3.2","created_at":"2023-08-04T08:52:19.401406455-07:00","message":{"role":"assistant","content":" sky"; is base_url an Ollama server (its native API, without /v1)?"#)
    }

    @Test func errorLineInsideTheStream_isUnavailableWithItsText() {
        let (_, error, events) = host.stream(OllamaHost.request("error-mid-stream"))
        #expect(events == [.textDelta("The"), .textDelta(" sky")])
        #expect(error?.code == .unavailable)
        #expect(error?.description == "\(Self.prefix) (UNAVAILABLE): \(chat) reported an error mid-stream: an error was encountered while running the model: unexpected EOF")
    }

    @Test func streamEndingWithoutTheDoneLine_isUnavailable() {
        let error = host.stream(OllamaHost.request("no-done")).error
        #expect(error?.code == .unavailable)
        #expect(error?.description == "\(Self.prefix) (UNAVAILABLE): \(chat) ended the answer before its last line (no \"done\": true); the server may have stopped: retry")
    }

    @Test func toolCallWithoutName_violatesTheContract_andIsRefusedNamingTheEndpoint() {
        for error in [host.stream(OllamaHost.request("tool-without-name")).error,
                      host.complete(OllamaHost.request("tool-without-name")).error] {
            #expect(error?.code == .unavailable)
            #expect(error?.description == #"\#(Self.prefix) (UNAVAILABLE): \#(chat) sent a tool call without a function name: {"function":{"arguments":{"city":"Tokyo"}}}; the model's tool-call output is malformed: retry, or use a model with tool support"#)
        }
    }

    /// The issue's bound: no call outlives its deadline by more than 2 s,
    /// even against a server that never goes silent long enough for
    /// timeout_s (one byte every 0.2 s).
    @Test func serverDrippingOneByteAtATime_endsWithinTheDeadlinePlusTwoSeconds() {
        let start = ContinuousClock.now
        let (_, error, _) = host.stream(OllamaHost.request("drip-chat-streaming"), timeout: 1)
        let elapsed = ContinuousClock.now - start
        #expect(error?.code == .deadlineExceeded)
        #expect(elapsed < .seconds(3), "\(elapsed)")
    }
}

/// The details JSON the plugin hands the host (kai_provider.h, ERROR
/// DETAILS): the HTTP status, and a 429's or 503's Retry-After in seconds,
/// as integers a router reads without parsing words — streamed and not.
@Suite struct OllamaErrorDetailsTests {
    let server: TranscriptServer
    let harness: ProviderHarness

    init() throws {
        server = try TranscriptServer(transcripts: "ollama", streamDefault: true)
        harness = try ProviderHarness(path: OllamaHost.pluginPath, config: ["endpoints": [["name": "replay", "base_url": .string(server.baseURL)]]],
                                      capability: "ollama")
    }

    @Test(arguments: [("fail-429-retry-7", 429, 7), ("fail-503-retry-3", 503, 3), ("fail-500", 500, nil), ("fail-404", 404, nil)] as [(String, Int64, Int64?)])
    func httpFailure_detailsCarryStatusAndRetryAfter(model: String, status: Int64, retryAfter: Int64?) throws {
        let streamed = harness.invoke(OllamaHost.request(model)) { _ in KAI_EVENT_CONTINUE }
        let whole = harness.invoke(OllamaHost.request(model))
        for outcome in [streamed, whole] {
            #expect(outcome.details["http_status"]?.intValue == status)
            #expect(outcome.details["retry_after_s"]?.intValue == retryAfter)
        }
        guard case .error(let code, let details)? = streamed.events.last else {
            Issue.record("no ERROR event last: \(streamed.events)")
            return
        }
        #expect(code == streamed.code)
        #expect(try JSONParser.parse(details) == streamed.details)
    }

    @Test func failureBelowHTTP_detailsCarryOnlyTheMessage() throws {
        let refused = try ProviderHarness(path: OllamaHost.pluginPath, config: ["endpoints": [
            ["name": "replay", "base_url": .string("http://127.0.0.1:\(OpenAIFixtures.closedPort())")]]], capability: "ollama")
        for outcome in [refused.invoke(OllamaHost.request("chat-streaming")), harness.invoke(OllamaHost.request("malformed-line")) { _ in KAI_EVENT_CONTINUE }] {
            #expect(outcome.code == KAI_ERR_UNAVAILABLE)
            #expect(outcome.details.objectValue?.keys == ["message"])
        }
    }
}
