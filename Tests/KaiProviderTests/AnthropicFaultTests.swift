import CKaiABI
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// The anthropic provider's faults, each ending in a precise error that
/// names the endpoint and the URL, with the code a caller (the router)
/// acts on — and no call outliving its deadline by more than 2 s.
@Suite struct AnthropicFaultTests {
    let server: TranscriptServer
    let host: AnthropicHost
    var url: String { server.baseURL + "/v1/messages" }

    init() throws {
        server = try TranscriptServer(transcripts: "anthropic")
        host = AnthropicHost(config: AnthropicFixtures.config(server.baseURL))
    }

    /// model → code and message, the same streamed and not.
    var httpFaults: [(String, ResultCode, String)] {
        [
            ("fail-500", .unavailable, "endpoint replay (\(url)) failed: HTTP 500: Internal server error"),
            ("fail-503-retry-3", .unavailable, "endpoint replay (\(url)) failed: HTTP 503: Service unavailable; it asks to retry after 3 s (Retry-After)"),
            ("fail-529", .unavailable, "endpoint replay (\(url)) failed: HTTP 529: Overloaded"),
            ("fail-429-retry-7", .unavailable, "endpoint replay (\(url)) is limiting requests: HTTP 429: Number of request tokens has exceeded your per-minute rate limit; wait 7 s (its Retry-After) and retry, or check the account's quota"),
            ("fail-401", .permissionDenied, "endpoint replay (\(url)) refused the API key: HTTP 401: invalid x-api-key; set api_key_secret for endpoint replay and its secret (secrets: {KEY: ENV_VAR} in the plugin entry)"),
        ]
    }

    @Test func httpErrors_sayTheStatusAndTheServersWords_streamedAndNot() {
        expect(httpFaults)
    }

    /// Statuses without a case of their own: a 4xx is the caller's request
    /// (INVALID_INPUT, so the router neither falls back nor blames the
    /// endpoint), a 3xx a wrong base_url, and only 408, 425, 429 and 5xx say
    /// the endpoint may answer if asked again (UNAVAILABLE). Every HTTP
    /// plugin shares the kit's mapping.
    @Test func unlistedStatuses_blameTheRequestOrBaseURL_onlyTransientOnesAreUnavailable() {
        expect([
            ("fail-405", .invalidInput, "endpoint replay (\(url)) rejected the request: HTTP 405: HTTP 405"),
            ("fail-410", .invalidInput, "endpoint replay (\(url)) rejected the request: HTTP 410: HTTP 410"),
            ("fail-301", .invalidInput, "endpoint replay (\(url)) answered with a redirect (HTTP 301: HTTP 301); check base_url in the plugin's config"),
            ("fail-408", .unavailable, "endpoint replay (\(url)) timed out or refused the request for now: HTTP 408: HTTP 408; retry"),
            ("fail-425", .unavailable, "endpoint replay (\(url)) timed out or refused the request for now: HTTP 425: HTTP 425; retry"),
        ])
    }

    /// Each model's error has the code and message given, streamed and not.
    private func expect(_ faults: [(String, ResultCode, String)]) {
        for (model, code, message) in faults {
            for error in [host.stream(AnthropicFixtures.request(model)).error, host.complete(AnthropicFixtures.request(model)).error] {
                #expect(error?.code == code, "\(model)")
                #expect(error?.description == "\(AnthropicFixtures.provider) (\(code)): \(message)", "\(model)")
            }
        }
    }

    @Test func http429And503_detailsCarryStatusAndRetryAfter() throws {
        let harness = try AnthropicFixtures.harness(server)
        for (model, status, wait) in [("fail-429-retry-7", 429, 7), ("fail-503-retry-3", 503, 3)] {
            let outcome = harness.invoke(AnthropicFixtures.request(model)) { _ in KAI_EVENT_CONTINUE }
            #expect(outcome.code == KAI_ERR_UNAVAILABLE)
            #expect(outcome.details["http_status"]?.intValue == Int64(status))
            #expect(outcome.details["retry_after_s"]?.intValue == Int64(wait))
        }
        let overloaded = harness.invoke(AnthropicFixtures.request("fail-529"))
        #expect(overloaded.details["http_status"]?.intValue == 529)
        #expect(overloaded.details["retry_after_s"] == nil)
    }

    @Test func connectionRefused_namesTheURLTried() {
        let base = "http://127.0.0.1:\(OpenAIFixtures.closedPort())"
        let error = AnthropicHost(config: AnthropicFixtures.config(base)).stream(AnthropicFixtures.request("text")).error
        #expect(error?.code == .unavailable)
        #expect(error?.description == "\(AnthropicFixtures.provider) (UNAVAILABLE): could not connect to endpoint replay (\(base)/v1/messages): connection refused; is the server running? Check base_url in the plugin's config")
    }

    /// Streamed faults: model → code and message.
    var streamFaults: [(String, ResultCode, String)] {
        [
            ("cut-tool", .unavailable, "endpoint replay (\(url)) closed the connection before the response was complete; the server may have stopped or restarted: retry"),
            ("no-stop", .unavailable, "endpoint replay (\(url)) ended the stream before message_stop: the answer is incomplete; the server may have stopped: retry"),
            ("malformed", .unavailable, #"endpoint replay (\#(url)) sent a stream event that is not a JSON object with a type: {"type": "content_block_start", "index": 0, "content_block": {"type": "te; is \#(server.baseURL) Anthropic's Messages API?"#),
            ("overloaded", .unavailable, "endpoint replay (\(url)) reported overloaded_error mid-stream: Overloaded; the server is overloaded: retry later or use another provider"),
            ("no-name", .unavailable, "endpoint replay (\(url)) sent a tool_use block (content index 0) without a name; the answer breaks the Messages API: retry, or report it to the server's operator"),
            ("bad-input", .unavailable, #"endpoint replay (\#(url)) ended tool_use block 0 (tool get_weather) with input that is not a JSON object: {"location": "San; asking again may give a valid one"#),
        ]
    }

    @Test func brokenStreams_endInAPreciseError() {
        for (model, code, message) in streamFaults {
            let error = host.stream(AnthropicFixtures.request(model)).error
            #expect(error?.code == code, "\(model)")
            #expect(error?.description == "\(AnthropicFixtures.provider) (\(code)): \(message)", "\(model)")
        }
    }

    @Test func cutMidEvent_passesOnWhatCameBeforeTheCut() {
        let (_, error, events) = host.stream(AnthropicFixtures.request("cut-tool"))
        #expect(error?.code == .unavailable)
        // tool.sse's first half: message_start's usage (the input was
        // billed even though the answer is lost), then the text's deltas.
        #expect(events.first == .usage(inputTokens: 472, outputTokens: 2, costUSD: nil))
        #expect(events.dropFirst().first == .textDelta("Okay"))
        let whole = host.complete(AnthropicFixtures.request("cut-text")).error
        #expect(whole?.description == "\(AnthropicFixtures.provider) (UNAVAILABLE): endpoint replay (\(url)) closed the connection before the response was complete; the server may have stopped or restarted: retry")
    }

    /// A server dripping one byte every 0.2 s, or sending nothing: the call
    /// still ends by its deadline (+ 2 s at most), streamed and not.
    @Test(arguments: ["drip-text", "hang"])
    func slowServers_endByTheDeadline_withItsError(model: String) throws {
        let harness = try AnthropicFixtures.harness(server)
        for streaming in [true, false] {
            let clock = ContinuousClock()
            let started = clock.now
            let outcome = streaming
                ? harness.invoke(AnthropicFixtures.request(model), timeout: 1) { _ in KAI_EVENT_CONTINUE }
                : harness.invoke(AnthropicFixtures.request(model), timeout: 1)
            #expect(clock.now - started < .seconds(3), "\(model), streaming \(streaming)")
            #expect(outcome.code == KAI_ERR_DEADLINE_EXCEEDED)
            #expect(outcome.message == "the call's deadline passed before endpoint replay (\(url)) finished answering")
        }
        let clock = ContinuousClock()
        let started = clock.now
        let error = host.stream(AnthropicFixtures.request(model), timeout: 1).error
        #expect(clock.now - started < .seconds(3))
        #expect(error?.code == .deadlineExceeded)
    }

    /// The plugin itself keeps the key out of everything it passes on, with
    /// no host scrubbing after it (called through ProviderHarness), against
    /// servers that echo the configured key: in an error body, an error
    /// event's type and message, a model id, text split across events, and
    /// JSON written with escapes (tool input, a JSON answer).
    @Test(arguments: ["fail-400", "key-error-type", "key-echo", "key-escaped-args", "key-escaped-json"])
    func theAPIKey_echoedByTheServer_neverLeavesThePlugin(model: String) throws {
        let key = "sk-ant-api03-echoed-0123456789"
        let harness = try AnthropicFixtures.harness(server, endpoint: ["api_key_secret": "anthropic_key"], top: ["anthropic_key": .string(key)])
        for streaming in [true, false] where streaming || model.hasPrefix("fail-") {
            let outcome = streaming
                ? harness.invoke(AnthropicFixtures.request(model)) { _ in KAI_EVENT_CONTINUE }
                : harness.invoke(AnthropicFixtures.request(model))
            // Each transcript does echo it: the call saw the key and cut it.
            let said = [outcome.text, outcome.details.serialized()] + outcome.events.map { "\($0)" }
            #expect(said.contains { $0.contains("<api key>") }, "\(model): \(said)")
            #expect(!said.contains { $0.contains(key) || $0.contains("k-ant-api03-echoed") }, "\(model): \(said)")
            // The decoded tool input and JSON answer are cut too.
            let decoded = [outcome.json["message"]?["tool_calls"]?.serialized() ?? "", outcome.json["message"]?["content"]?.stringValue ?? ""]
            #expect(!decoded.contains { $0.contains("k-ant-api03-echoed") }, "\(model): \(decoded)")
            let streamedArguments = outcome.events.reduce(into: "") { if case .toolCall(_, _, _, let a) = $1 { $0 += a } }
            if !streamedArguments.isEmpty {
                let input = try JSONParser.parse(Array(streamedArguments.utf8))
                #expect(input["location"] == "<api key>", "\(streamedArguments)")
            }
        }
    }
}
