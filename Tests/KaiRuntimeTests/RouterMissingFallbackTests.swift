import Foundation
import KaiCore
@testable import KaiRuntime
import KaiTestSupport
import Testing

/// A fallback whose provider is not loaded is skipped without a call; when
/// it is the last step, the failure reported is the one that sent the call
/// there, not "no provider named …".
@Suite struct RouterMissingFallbackTests {
    @Test func aFallbackThatIsNotLoaded_reportsTheFailureBeforeIt_andNamesTheMissingFallback() throws {
        let world = try RouterWorld("missing-fallback", router: RouterFallbackTests.chain("openai/a:fail-500", to: "nosuch"))
        defer { try? world.runtime.shutdown() }
        let failure = try #require(world.call(RouteRequest(explicit: "openai/a:fail-500")).failure)
        #expect(failure.callError?.kind == .toolFailed)
        #expect(failure.callError?.code == .unavailable)
        #expect(failure.hops.isEmpty, "\(failure.hops)")
        let expected = "provider \"\(RouterFallbackTests.provider)\" failed (UNAVAILABLE): \(world.endpoint("a")) failed: HTTP 500 "
            + "(the server gave no message). kai could not fall back: fallback nosuch is not loaded (see kai providers list)."
        #expect(failure.description == expected)
    }
}
