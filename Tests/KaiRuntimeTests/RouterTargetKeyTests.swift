import Foundation
import KaiCore
import KaiRegistry
@testable import KaiRuntime
import KaiTestSupport
import Testing

/// Target names resolve to one key per provider and model (TargetKey): the
/// breaker, the config entry and the fallbacks go by it.
@Suite struct RouterTargetKeyTests {
    static let qualified = "dev.kai.openai.openai"

    @Test func everySpellingOfOneProviderAndModel_hasOneKey() throws {
        let world = try RouterWorld("key-spellings", router: "router:\n  targets:\n    - name: openai/b:text\n")
        defer { try? world.runtime.shutdown() }
        let router = world.router
        #expect(router.key("openai/b:text") == "\(Self.qualified)/b:text")
        #expect(router.key("\(Self.qualified)/b:text") == "\(Self.qualified)/b:text")
        #expect(router.key("openai") == Self.qualified)
        #expect(router.key("openai/") == Self.qualified)
        #expect(router.key("nosuch/m") == "nosuch/m", "a provider that is not loaded keys as written")
    }

    @Test func aQualifiedM_getsTheTargetsFallbacks_andOneStepPerServer() throws {
        let world = try RouterWorld("key-plan", router: """
            router:
              targets:
                - name: openai/a:text
                  fallbacks: [\(Self.qualified)/a:text, openai/b:text]
            """)
        defer { try? world.runtime.shutdown() }
        let plan = try world.router.plan(RouteRequest(explicit: "\(Self.qualified)/a:text"))
        #expect(plan.steps.map(\.target) == ["\(Self.qualified)/a:text", "openai/b:text"])
        #expect(plan.steps.map(\.key) == ["\(Self.qualified)/a:text", "\(Self.qualified)/b:text"])
    }

    @Test func aFailureUnderOneSpelling_opensTheBreakerOfEverySpelling() throws {
        let world = try RouterWorld("key-breaker", router: """
            router:
              breaker: { failures: 1 }
              targets:
                - name: openai/down:text
                  fallbacks: [openai/b:text]
            """)
        defer { try? world.runtime.shutdown() }
        let first = try #require(world.call(RouteRequest(explicit: "\(Self.qualified)/down:text")).success)
        #expect(first.hops.map(\.label) == ["unavailable"])
        let second = try #require(world.call(RouteRequest(explicit: "openai/down:text")).success)
        #expect(second.hops.map(\.label) == ["circuit open"])
        #expect(try world.runtime.store.breakers().keys.sorted() == ["\(Self.qualified)/down:text"])
    }
}
