import CKaiABI
import KaiCore
import KaiTestSupport
import Testing

/// Statuses without a case of their own: a 4xx is the caller's request
/// (INVALID_INPUT, so the router neither falls back nor blames the
/// endpoint), a 3xx a wrong base_url, and only 408, 425, 429 and 5xx say
/// the endpoint may answer if asked again (UNAVAILABLE). Driven through the
/// anthropic plugin; every HTTP plugin shares the kit's mapping.
@Suite struct HTTPStatusMappingTests {
    let server: TranscriptServer
    let host: AnthropicHost
    var url: String { server.baseURL + "/v1/messages" }

    init() throws {
        server = try TranscriptServer(transcripts: "anthropic")
        host = AnthropicHost(config: AnthropicFixtures.config(server.baseURL))
    }

    var faults: [(String, ResultCode, String)] {
        [
            ("fail-405", .invalidInput, "endpoint replay (\(url)) rejected the request: HTTP 405: HTTP 405"),
            ("fail-410", .invalidInput, "endpoint replay (\(url)) rejected the request: HTTP 410: HTTP 410"),
            ("fail-301", .invalidInput, "endpoint replay (\(url)) answered with a redirect (HTTP 301: HTTP 301); check base_url in the plugin's config"),
            ("fail-408", .unavailable, "endpoint replay (\(url)) timed out or refused the request for now: HTTP 408: HTTP 408; retry"),
            ("fail-425", .unavailable, "endpoint replay (\(url)) timed out or refused the request for now: HTTP 425: HTTP 425; retry"),
        ]
    }

    @Test func unlistedStatuses_blameTheRequestOrBaseURL_onlyTransientOnesAreUnavailable() {
        for (model, code, message) in faults {
            for error in [host.stream(AnthropicFixtures.request(model)).error, host.complete(AnthropicFixtures.request(model)).error] {
                #expect(error?.code == code, "\(model)")
                #expect(error?.description == "\(AnthropicFixtures.provider) (\(code)): \(message)", "\(model)")
            }
        }
    }
}
