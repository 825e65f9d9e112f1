import Foundation
import KaiCore
import KaiJSON
import KaiRegistry
@testable import KaiRuntime
import KaiTestSupport
import Synchronization
import Testing

/// The router's fallback chain with the real openai plugin against the
/// scripted server: hops on failures worth another target (500, 429,
/// connection refused, a cut stream, the provider's own timeout), never on
/// the caller's own errors; Retry-After honoured within the deadline.
@Suite struct RouterFallbackTests {
    static let provider = "dev.kai.openai.openai"

    static func chain(_ first: String, to next: String = "openai/b:text") -> String {
        """
        router:
          targets:
            - name: \(first)
              fallbacks: [\(next)]
            - name: \(next)
        """
    }

    @Test func http500_fallsBackToTheNextTarget_andTheFinalCallsLogRowCarriesTheHop() throws {
        let world = try RouterWorld("500", router: Self.chain("openai/a:fail-500"))
        defer { try? world.runtime.shutdown() }
        let routed = try #require(world.call(RouteRequest(explicit: "openai/a:fail-500")).success)
        #expect(routed.target == "openai/b:text")
        #expect(routed.result.content == "Hello, world!")
        let message = "provider \"\(Self.provider)\" failed (UNAVAILABLE): \(world.endpoint("a")) failed: HTTP 500 (the server gave no message)"
        #expect(routed.hops == [RouteHop(target: "openai/a:fail-500", errorKind: "toolFailed", code: "UNAVAILABLE", message: message)])

        world.runtime.store.flush()
        let rows = try world.runtime.store.logs()
        #expect(rows.map(\.resultCode) == [ResultCode.ok.rawValue, ResultCode.unavailable.rawValue], "each attempt is its own row")
        #expect(rows[0].route.flatMap(RouteHop.parse) == routed.hops)
        #expect(rows[1].route == nil)
    }

    @Test(arguments: [
        ("openai/a:fail-429", "a", "is limiting requests: HTTP 429: Rate limit reached; wait and retry, or check the account's quota"),
        ("openai/down:text", "down", "connection refused; is the server running? Check base_url in the plugin's config"),
    ])
    func rateLimitAndConnectionRefused_fallBack(first: String, endpoint: String, words: String) throws {
        let world = try RouterWorld("hop-\(endpoint)", router: Self.chain(first))
        defer { try? world.runtime.shutdown() }
        let routed = try #require(world.call(RouteRequest(explicit: first)).success)
        #expect(routed.target == "openai/b:text")
        #expect(routed.hops.map(\.target) == [first])
        #expect(routed.hops.first?.label == "unavailable")
        #expect(routed.hops.first?.message.contains(words) == true, "\(routed.hops)")
    }

    @Test func aStreamCutBeforeItsEnd_fallsBack_andTellsTheCallerBeforeTheNextCall() throws {
        let world = try RouterWorld("drop", router: Self.chain("openai/a:drop"))
        defer { try? world.runtime.shutdown() }
        let told = Mutex<[String]>([])
        let routed = try #require(world.call(RouteRequest(explicit: "openai/a:drop"), stream: true) { hop, next in
            told.withLock { $0.append("\(hop.target) (\(hop.label)) -> \(next)") }
        }.success)
        #expect(routed.result.content == "Hello, world!")
        #expect(told.withLock { $0 } == ["openai/a:drop (unavailable) -> openai/b:text"])
    }

    @Test func theProvidersOwnTimeout_fallsBack_whileTheCallsDeadlineHasTimeLeft() throws {
        let world = try RouterWorld("own-timeout", router: Self.chain("openai/a:hang"), aTimeout: 0.3)
        defer { try? world.runtime.shutdown() }
        let routed = try #require(world.call(RouteRequest(explicit: "openai/a:hang"), timeout: 30).success)
        #expect(routed.target == "openai/b:text")
        #expect(routed.hops.map(\.label) == ["deadline exceeded"])
    }

    @Test func aProvidersWorkerCrashing_fallsBack() throws {
        let echo = try Fixtures.compile("provider_plugin", source: Fixtures.repositoryRoot + "/Tests/Fixtures/provider_plugin.c")
        let world = try RouterWorld("crash", router: Self.chain("echo", to: "busy/ok"),
                                    extraPlugins: "  - path: \(echo)\n    isolation: process")
        defer { try? world.runtime.shutdown() }
        let crash = Array(#"{"messages":[{"role":"user","content":"CRASH"}]}"#.utf8)
        let routed = try world.router.call(request: crash, route: RouteRequest(explicit: "echo"), options: CallOptions(timeout: 20))
        #expect(routed.target == "busy/ok")
        #expect(routed.hops.map(\.label) == ["workerCrashed"])
    }

    @Test func anAnswerTheHostRefusesAsNotJSON_fallsBack_andCountsAgainstTheBreaker() throws {
        let world = try RouterWorld("not-json", router: Self.chain("busy/not-json"))
        defer { try? world.runtime.shutdown() }
        let routed = try #require(world.call(RouteRequest(explicit: "busy/not-json")).success)
        #expect(routed.target == "openai/b:text")
        #expect(routed.hops.map(\.errorKind) == ["invalidOutput"])
        #expect(routed.hops.first?.message.hasPrefix(#"provider "test.retry.busy" returned invalid JSON: "#) == true, "\(routed.hops)")
        #expect(try world.runtime.store.breaker(target: world.router.key("busy/not-json")).failureTimes.count == 1)
    }

    @Test func theCallsOwnDeadline_endsTheChain_withoutAHop() throws {
        let world = try RouterWorld("call-deadline", router: Self.chain("openai/a:hang"))
        defer { try? world.runtime.shutdown() }
        let failure = try #require(world.call(RouteRequest(explicit: "openai/a:hang"), timeout: 0.3).failure)
        #expect(failure.callError?.code == .deadlineExceeded)
        #expect(failure.hops.isEmpty)
    }

    @Test func aNotFoundModel_isTheCallersError_andTakesNoFallback() throws {
        let world = try RouterWorld("404", router: Self.chain("openai/a:fail-404"))
        defer { try? world.runtime.shutdown() }
        let failure = try #require(world.call(RouteRequest(explicit: "openai/a:fail-404")).failure)
        #expect(failure.callError?.code == .invalidInput)
        #expect(failure.hops.isEmpty)
        #expect(failure.description == "provider \"\(Self.provider)\" failed (INVALID_INPUT): \(world.endpoint("a")) answered HTTP 404: The model `fail-404` does not exist; check base_url (it usually ends in /v1) and the model name")
        world.runtime.store.flush()
        #expect(try world.runtime.store.logs().count == 1, "b was never called")
    }

    @Test func aBadRequest_isTheCallersError_andTakesNoFallback() throws {
        let world = try RouterWorld("400", router: Self.chain("busy/refuse"))
        defer { try? world.runtime.shutdown() }
        let failure = try #require(world.call(RouteRequest(explicit: "busy/refuse")).failure)
        #expect(failure.description == #"provider "test.retry.busy" failed (INVALID_INPUT): busy rejected the request: HTTP 400"#)
        #expect(failure.callError?.httpStatus == 400)
        #expect(failure.hops.isEmpty)
    }

    @Test func whenEveryTargetFails_theLastErrorSaysWhatWasTriedFirst() throws {
        let world = try RouterWorld("all-fail", router: Self.chain("openai/a:fail-500", to: "openai/down:text"))
        defer { try? world.runtime.shutdown() }
        let failure = try #require(world.call(RouteRequest(explicit: "openai/a:fail-500")).failure)
        #expect(failure.description == "provider \"\(Self.provider)\" failed (UNAVAILABLE): could not connect to \(world.endpoint("down")): connection refused; is the server running? Check base_url in the plugin's config (tried first: openai/a:fail-500: unavailable)")
    }

    @Test func retryAfter_onTheLastTarget_isHonouredWithinTheDeadline_andTheSameTargetRetriedOnce() throws {
        let world = try RouterWorld("retry-after", router: "")
        defer { try? world.runtime.shutdown() }
        let routed = try #require(world.call(RouteRequest(explicit: "busy/flaky-1"), timeout: 20).success)
        #expect(routed.target == "busy/flaky-1")
        #expect(routed.result.content == "ok from busy")
        #expect(routed.hops.map(\.target) == ["busy/flaky-1"])
    }

    @Test func retryAfter_pastTheDeadline_isNotWaitedFor_andTheErrorSaysSo() throws {
        let world = try RouterWorld("retry-after-late", router: "")
        defer { try? world.runtime.shutdown() }
        let failure = try #require(world.call(RouteRequest(explicit: "busy/always-30"), timeout: 5).failure)
        #expect(failure.description == #"provider "test.retry.busy" failed (UNAVAILABLE): busy failed: HTTP 503; it asks to retry after 30 s (Retry-After). Its wait of 30 s is longer than the 5 s left before the call's deadline, so kai did not retry. Retry later, or allow more time (--timeout)."#)
    }

    @Test func retryAfter_whenAnotherTargetIsLeft_fallsBackInsteadOfWaiting() throws {
        let world = try RouterWorld("retry-after-hop", router: Self.chain("busy/always-30"))
        defer { try? world.runtime.shutdown() }
        let routed = try #require(world.call(RouteRequest(explicit: "busy/always-30"), timeout: 5).success)
        #expect(routed.target == "openai/b:text")
    }

    @Test func cancelledWhileWaitingForRetryAfter_stopsAtOnce() throws {
        let world = try RouterWorld("retry-after-cancel", router: "")
        defer { try? world.runtime.shutdown() }
        let token = CancellationToken()
        let options = CallOptions(timeout: 60, cancellation: token)
        let host = world.runtime.host
        // Ctrl-C right after the first attempt failed: the wait must not start.
        let failure: RouteFailure? = {
            do throws(RouteFailure) {
                _ = try world.router.call(request: RouterWorld.request, route: RouteRequest(explicit: "busy/always-30"), options: options, attempt: { target, options in
                    defer { token.cancel() }
                    do throws(CallError) { return .success(try host.callProvider(target, request: RouterWorld.request, options: options)) } catch { return .failure(error) }
                })
                return nil
            } catch { return error }
        }()
        #expect(failure?.callError?.retryAfterSeconds == 30)
        #expect(failure?.hops == [])
    }
}
