import Foundation
import KaiCore
import KaiJSON
import KaiRegistry
@testable import KaiRuntime
import KaiTestSupport
import Testing

/// Issue 12, item 5, end to end: each fault of each HTTP provider (the real
/// openai, anthropic and ollama plugins against transcript_server.py),
/// called through the router with the chain [faulty target, openai/ok:text].
/// Each ends in the fallback with its hop recorded (the provider, endpoint
/// and URL in its message), or in a precise error — and a call whose own
/// deadline ends it stops within deadline + 2 s, without a hop.
@Suite(.requiresPython3) struct RouterFaultMatrixTests {
    enum Fault: String, CaseIterable, CustomTestStringConvertible {
        case http500, http503RetryAfter, http429RetryAfter, connectionRefused, streamCutMidEvent, malformedStream, answerOutsideTheContract
        var testDescription: String { rawValue }
    }

    static var matrix: [(FaultProvider, Fault)] { FaultProvider.all.flatMap { provider in Fault.allCases.map { (provider, $0) } } }

    /// The target that produces `fault`, the hop's error kind and code, and its exact message.
    /// Retry-After is 30 s with 5 s left: an answer proves the router did not wait.
    static func expected(_ fault: Fault, _ world: FaultWorld) -> (target: String, kind: String, code: String, message: String) {
        let provider = world.provider
        let p = provider.name
        let bad = world.endpoint("bad")
        let unavailable = { (words: String) in (ErrorKind.toolFailed.rawValue, "UNAVAILABLE", world.failed("UNAVAILABLE", words)) }
        let (kind, code, message): (String, String, String)
        switch fault {
        case .http500:
            (kind, code, message) = unavailable("\(bad) failed: HTTP 500: " + serverWords[p]![500]!)
        case .http503RetryAfter:
            (kind, code, message) = unavailable("\(bad) failed: HTTP 503: " + serverWords[p]![503]! + "; it asks to retry after 30 s (Retry-After)")
        case .http429RetryAfter:
            (kind, code, message) = unavailable("\(bad) is limiting requests: HTTP 429: " + serverWords[p]![429]! + "; wait 30 s (its Retry-After) and retry, or check the account's quota")
        case .connectionRefused:
            (kind, code, message) = unavailable("could not connect to \(world.endpoint("down")): connection refused; is the server running? Check base_url in the plugin's config")
        case .streamCutMidEvent:
            (kind, code, message) = unavailable("\(bad) closed the connection before the response was complete; the server may have stopped or restarted: retry")
        case .malformedStream:
            (kind, code, message) = unavailable(malformedWords(p, bad: bad, base: world.base))
        case .answerOutsideTheContract:
            (kind, code, message) = (ErrorKind.outputViolatesSchema.rawValue, "INTERNAL",
                                     "provider \"\(provider.qualified)\" returned a response that does not match the chat response schema "
                                         + "(plugin-sdk/schema/chat-response.schema.json; a bug in the plugin):\n"
                                         + "  $.usage.input_tokens: \(negativeTokens[p]!) is less than the minimum of 0 (minimum)")
        }
        return (target(fault, provider), kind, code, message)
    }

    /// The targets configured with the fallback (the retry tests' targets are not: they are last).
    static var chainedTargets: [String] {
        matrix.map { target($1, $0) } + FaultProvider.all.flatMap { [dripTarget($0), slowDripTarget($0)] }
    }

    static func dripTarget(_ provider: FaultProvider) -> String { "\(provider.name)/bad:drip-\(provider.text)" }
    static func slowDripTarget(_ provider: FaultProvider) -> String { "\(provider.name)/slow:drip-\(provider.text)" }

    /// The target whose call meets `fault`.
    static func target(_ fault: Fault, _ provider: FaultProvider) -> String {
        let model = switch fault {
        case .http500: "bad:fail-500"
        case .http503RetryAfter: "bad:fail-503-retry-30"
        case .http429RetryAfter: "bad:fail-429-retry-30"
        case .connectionRefused: "down:\(provider.text)"
        case .streamCutMidEvent: "bad:cut-\(provider.text)"
        case .malformedStream: "bad:\(provider.malformed)"
        case .answerOutsideTheContract: "bad:bad-usage"
        }
        return "\(provider.name)/\(model)"
    }

    /// The input tokens each provider's bad-usage transcript claims.
    static let negativeTokens = ["openai": -9, "anthropic": -25, "ollama": -26]

    /// What each server's error body says, by provider and status.
    static let serverWords: [String: [Int: String]] = [
        "openai": [500: "The server had an error while processing your request. Sorry about that!",
                   503: "The engine is currently overloaded, please try again later", 429: "Rate limit reached for requests"],
        "anthropic": [500: "Internal server error", 503: "Service unavailable",
                      429: "Number of request tokens has exceeded your per-minute rate limit"],
        "ollama": [500: "llama runner process has terminated: signal: killed",
                   503: "server busy, please try again.  maximum pending requests exceeded", 429: "rate limit exceeded"],
    ]

    static func malformedWords(_ provider: String, bad: String, base: String) -> String {
        switch provider {
        case "anthropic":
            #"\#(bad) sent a stream event that is not a JSON object with a type: {"type": "content_block_start", "index": 0, "content_block": {"type": "te; is \#(base) Anthropic's Messages API?"#
        case "ollama":
            #"\#(bad) sent a line that is not a JSON object: {"model":"llama3.2","created_at":"2023-08-04T08:52:19.401406455-07:00","message":{"role":"assistant","content":" sky"; is base_url an Ollama server (its native API, without /v1)?"#
        default:
            #"\#(bad) sent a stream event that is not a JSON object: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":"Hel; is \#(base)/v1 an OpenAI-compatible API?"#
        }
    }

    @Test(arguments: matrix)
    func eachFault_fallsBackToTheHealthyTarget_withItsHopNamingTheProviderAndURL(provider: FaultProvider, fault: Fault) throws {
        let world = try FaultWorld(provider)
        let expected = Self.expected(fault, world)

        let routed = try #require(world.call(expected.target, timeout: 5).success)

        #expect(routed.target == FaultWorld.fallback)
        #expect(routed.result.content == "Hello!")
        #expect(routed.hops == [RouteHop(target: expected.target, errorKind: expected.kind, code: expected.code, message: expected.message)])
        #expect(try world.runtime.store.breaker(target: world.runtime.router.key(expected.target)).failureTimes.count == 1, "the fault counts against the target's breaker")
    }

    @Test(arguments: FaultProvider.all)
    func aServerDrippingPastTheCallsDeadline_endsTheCallByIt_withoutAFallback(provider: FaultProvider) throws {
        let target = Self.dripTarget(provider)
        let world = try FaultWorld(provider)
        let deadline = 1.5
        let clock = ContinuousClock()
        let started = clock.now

        let failure = try #require(world.call(target, timeout: deadline).failure)

        #expect(clock.now - started < .seconds(deadline + 2), "no call outlives its deadline by more than 2 s")
        #expect(failure.callError?.code == .deadlineExceeded)
        #expect(failure.hops.isEmpty, "the call's own deadline ended it: no other target would do better")
        // The host's word on its deadline, with the provider's on what it was waiting for.
        // The hop's deadline is what the chain had left when it started: 1.500 s, or a millisecond less.
        let prefix = "provider \"\(provider.qualified)\" passed its deadline of "
        #expect(failure.description.hasPrefix(prefix + "1.500 s (stopped after ") || failure.description.hasPrefix(prefix + "1.499 s (stopped after "), "\(failure)")
        #expect(failure.description.hasSuffix(" s): the call's deadline passed before \(world.endpoint("bad")) finished answering."), "\(failure)")
    }

    /// Not streaming, timeout_s bounds the whole answer (streaming, it is the
    /// longest silence, which a drip never reaches: the call's deadline ends that).
    @Test(arguments: FaultProvider.all)
    func aServerDrippingPastTheProvidersTimeout_fallsBack_whileTheCallsDeadlineHasTimeLeft(provider: FaultProvider) throws {
        let target = Self.slowDripTarget(provider)
        let world = try FaultWorld(provider)

        let routed = try #require(world.call(target, timeout: 10, stream: false).success)

        #expect(routed.target == FaultWorld.fallback)
        #expect(routed.hops.map(\.target) == [target])
        #expect(routed.hops.map(\.label) == ["deadline exceeded"])
        let words = "\(world.endpoint("slow")) did not finish answering in time (timeout_s 0.5 bounds a whole answer when not streaming, "
        #expect(routed.hops.first?.message.hasPrefix(world.failed("DEADLINE_EXCEEDED", words)) == true, "\(routed.hops)")
        #expect(routed.result.content == "Hello!")
    }

    @Test(arguments: FaultProvider.all, ["fail-429-retry-1", "fail-503-retry-1"])
    func retryAfter_onTheLastTarget_isWaitedFor_andTheTargetRetriedOnce(provider: FaultProvider, model: String) throws {
        let target = "\(provider.name)/bad:\(model)"
        let world = try FaultWorld(provider)

        let failure = try #require(world.call(target, timeout: 10).failure)

        // The server refuses every time: the retry's own failure ends the call,
        // after the first attempt's hop.
        #expect(failure.hops.map(\.target) == [target])
        #expect(failure.callError?.code == .unavailable)
        #expect(failure.callError?.retryAfterSeconds == 1)
    }
}
