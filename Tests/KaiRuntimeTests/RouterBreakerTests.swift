import Foundation
import KaiCore
import KaiRegistry
@testable import KaiRuntime
import KaiTestSupport
import Testing

/// The circuit breaker per target: opens after N hop failures within the
/// window, lets exactly one probe through after the cooldown, closes after
/// M successes, reopens on a failed probe — its state in the registry, so
/// two stores (two kai processes) on one file share it. Time is the test's
/// clock: cooldowns pass by moving it.
@Suite struct RouterBreakerTests {
    static let limits = RouterConfig.Breaker(failures: 2, windowSeconds: 60, cooldownSeconds: 30, successes: 2)

    static func breaker(_ store: RegistryStore, _ clock: TestClock) -> CircuitBreaker {
        CircuitBreaker(store: store, limits: limits, clock: clock.function)
    }

    static func store(_ name: String) throws -> RegistryStore {
        let directory = Fixtures.scratch + "/breaker-\(name)"
        try? FileManager.default.removeItem(atPath: directory)
        return try RegistryStore(path: directory + "/registry.sqlite")
    }

    @Test func opensAfterNFailuresWithinTheWindow_notWhenTheyAreFurtherApart() throws {
        let clock = TestClock()
        let breaker = Self.breaker(try Self.store("window"), clock)
        breaker.failed("t", owner: "x")
        clock.advance(61)
        breaker.failed("t", owner: "x")
        #expect(breaker.admit("t", owner: "x", probeLifetime: nil) == .allowed(probe: false), "the first failure left the window")
        clock.advance(1)
        breaker.failed("t", owner: "x")
        guard case .refused(let record) = breaker.admit("t", owner: "x", probeLifetime: nil) else {
            Issue.record("two failures within 60 s must open the circuit")
            return
        }
        #expect(record.openReason == "2 failures in 60 s")
        #expect(record.openUntil == clock.now + 30)
        #expect(breaker.describe("t", timeZone: TimeZone(identifier: "UTC")!)
            == "open until \(CircuitBreaker.clockTime(clock.now + 30, timeZone: TimeZone(identifier: "UTC")!)) (2 failures in 60 s)")
    }

    @Test func afterTheCooldown_exactlyOneProbe_thenClosesAfterMSuccesses() throws {
        let clock = TestClock()
        let breaker = Self.breaker(try Self.store("probe"), clock)
        breaker.failed("t", owner: "x")
        breaker.failed("t", owner: "x")
        clock.advance(29)
        #expect(breaker.admit("t", owner: "p1", probeLifetime: 10) != .allowed(probe: true), "still cooling down")
        clock.advance(1)
        #expect(breaker.admit("t", owner: "p1", probeLifetime: 10) == .allowed(probe: true))
        #expect(breaker.admit("t", owner: "p2", probeLifetime: 10) != .allowed(probe: true), "one probe at a time")
        #expect(breaker.describe("t") == "half-open, probed by another call")
        breaker.succeeded("t", owner: "p1", probe: true)
        #expect(breaker.describe("t") == "half-open", "1 of 2 successes")
        #expect(breaker.admit("t", owner: "p2", probeLifetime: 10) == .allowed(probe: true), "the next probe, now the first is done")
        breaker.succeeded("t", owner: "p2", probe: true)
        #expect(breaker.describe("t") == "closed")
        #expect(breaker.admit("t", owner: "any", probeLifetime: 10) == .allowed(probe: false))
    }

    @Test func aFailedProbe_reopensTheCircuit() throws {
        let clock = TestClock()
        let breaker = Self.breaker(try Self.store("reopen"), clock)
        breaker.failed("t", owner: "x")
        breaker.failed("t", owner: "x")
        clock.advance(30)
        #expect(breaker.admit("t", owner: "p", probeLifetime: 10) == .allowed(probe: true))
        breaker.failed("t", owner: "p")
        guard case .refused(let record) = breaker.admit("t", owner: "q", probeLifetime: 10) else {
            Issue.record("a failed probe must reopen the circuit")
            return
        }
        #expect(record.openReason == "its half-open probe failed")
        #expect(record.openUntil == clock.now + 30)
    }

    @Test func aProbeWhoseOwnerDied_lapsesAfterItsLifetime() throws {
        let clock = TestClock()
        let breaker = Self.breaker(try Self.store("lapse"), clock)
        breaker.failed("t", owner: "x")
        breaker.failed("t", owner: "x")
        clock.advance(30)
        #expect(breaker.admit("t", owner: "dead", probeLifetime: 5) == .allowed(probe: true))
        clock.advance(4)
        #expect(breaker.admit("t", owner: "next", probeLifetime: 5) != .allowed(probe: true))
        clock.advance(1)
        #expect(breaker.admit("t", owner: "next", probeLifetime: 5) == .allowed(probe: true))
    }

    @Test func twoStoresOnOneFile_shareTheBreaker_likeTwoKaiProcesses() throws {
        let clock = TestClock()
        let first = try Self.store("shared")
        let second = try RegistryStore(path: first.path)
        let one = Self.breaker(first, clock), two = Self.breaker(second, clock)
        one.failed("t", owner: "x")
        two.failed("t", owner: "y")
        #expect(two.admit("t", owner: "y", probeLifetime: nil) != .allowed(probe: false), "one failure counted by each process opens it")
        clock.advance(30)
        #expect(one.admit("t", owner: "p1", probeLifetime: 10) == .allowed(probe: true))
        #expect(two.admit("t", owner: "p2", probeLifetime: 10) != .allowed(probe: true), "the other process sees the probe taken")
    }

    @Test func throughTheRouter_openCircuitsAreSkipped_andWhenAllAreOpenTheErrorSaysUntilWhen() throws {
        let world = try RouterWorld("router-open", router: """
            router:
              breaker: { failures: 2, window_s: 60, cooldown_s: 30, successes: 1 }
              targets:
                - name: openai/down:text
                  fallbacks: [openai/b:text]
            """)
        defer { try? world.runtime.shutdown() }
        for _ in 0..<2 {
            #expect(world.call(RouteRequest(explicit: "openai/down:text")).success?.target == "openai/b:text")
        }
        // Open now: skipped without a call, recorded as a hop.
        let routed = try #require(world.call(RouteRequest(explicit: "openai/down:text")).success)
        #expect(routed.hops.map(\.label) == ["circuit open"])
        let until = CircuitBreaker.clockTime(world.clock.now + 30)
        #expect(routed.hops.first?.message == "open until \(until) (2 failures in 60 s)")

        #expect(world.call(RouteRequest(explicit: "openai/down:other")).failure?.callError?.code == .unavailable,
                "another model of the provider is another target: its circuit is closed, so it is called")
        // Only the caller's own errors through b: b stays closed.
        _ = world.call(RouteRequest(explicit: "openai/b:fail-404"))
        _ = world.call(RouteRequest(explicit: "openai/b:fail-404"))
        #expect(world.router.breaker.describe(world.router.key("openai/b:fail-404")) == "closed")

        let downOnly = try RouterWorld("router-all-open", router: "router:\n  breaker: { failures: 1 }\n  targets:\n    - name: openai/down:text\n")
        defer { try? downOnly.runtime.shutdown() }
        _ = downOnly.call(RouteRequest())
        let failure = try #require(downOnly.call(RouteRequest()).failure)
        #expect(failure.description == "no provider is available: openai/down:text's circuit is open until \(CircuitBreaker.clockTime(downOnly.clock.now + 30)) (1 failure in 60 s). Wait until it closes, or name another provider with -m.")
    }
}
