import Foundation
import KaiCore
import KaiRegistry
@testable import KaiRuntime
import KaiTestSupport
import Testing

/// A half-open probe's claim: the call's deadline when it has one; without
/// one, as long as the owner's process lives (up to a long safety lease), so
/// a slow probe is never joined by a second one; and a failure its owner
/// reports after the claim lapsed still reopens the circuit.
@Suite struct RouterProbeLeaseTests {
    static let limits = RouterConfig.Breaker(failures: 1, windowSeconds: 60, cooldownSeconds: 30, successes: 1)

    static func halfOpen(_ name: String, _ clock: TestClock) throws -> CircuitBreaker {
        let directory = Fixtures.scratch + "/probe-lease-\(name)"
        try? FileManager.default.removeItem(atPath: directory)
        let breaker = CircuitBreaker(store: try RegistryStore(path: directory + "/registry.sqlite"), limits: limits, clock: clock.function)
        breaker.failed("t", owner: "x")
        clock.advance(30)
        return breaker
    }

    /// The pid of a process that has exited and been reaped.
    static func deadPid() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func aProbeWithoutADeadline_holdsItsClaimPastTheCooldown_whileItsProcessLives() throws {
        let clock = TestClock()
        let breaker = try Self.halfOpen("alive", clock)
        #expect(breaker.admit("t", owner: "\(getpid())-A", probeLifetime: nil) == .allowed(probe: true))
        clock.advance(31)
        #expect(breaker.admit("t", owner: "B", probeLifetime: nil) != .allowed(probe: true), "the first probe still runs")
        #expect(breaker.describe("t") == "half-open, probed by another call")
        clock.advance(CircuitBreaker.probeLeaseWithoutDeadline)
        #expect(breaker.admit("t", owner: "B", probeLifetime: nil) == .allowed(probe: true), "the safety lease ended")
    }

    @Test func aProbeWhoseProcessIsGone_freesTheClaimAtOnce() throws {
        let clock = TestClock()
        let breaker = try Self.halfOpen("dead", clock)
        #expect(breaker.admit("t", owner: "\(try Self.deadPid())-A", probeLifetime: nil) == .allowed(probe: true))
        #expect(breaker.describe("t") == "half-open")
        #expect(breaker.admit("t", owner: "B", probeLifetime: nil) == .allowed(probe: true))
    }

    @Test func aFailureReportedByAProbeWhoseClaimLapsed_reopensTheCircuit() throws {
        let clock = TestClock()
        let breaker = try Self.halfOpen("late-failure", clock)
        #expect(breaker.admit("t", owner: "A", probeLifetime: 5) == .allowed(probe: true))
        clock.advance(6)
        #expect(breaker.admit("t", owner: "B", probeLifetime: 5) == .allowed(probe: true))
        breaker.failed("t", owner: "A")
        guard case .refused(let record) = breaker.admit("t", owner: "C", probeLifetime: 5) else {
            Issue.record("the late probe's failure must reopen the circuit")
            return
        }
        #expect(record.openReason == "its half-open probe failed")
        breaker.succeeded("t", owner: "B", probe: true)
        #expect(breaker.describe("t").hasPrefix("open until "), "the second probe's success does not close a reopened circuit")
    }

    /// Each routed call names its probe claims with an owner no other call
    /// has (no UUID drawn per call), whose pid says its process lives.
    @Test func probeOwners_areDistinct_andNameThisLiveProcess() {
        let owners = (0..<100).map { _ in ProbeOwner.next() }
        #expect(Set(owners).count == owners.count)
        #expect(owners.allSatisfy { $0.hasPrefix("\(getpid())-") && ProbeOwner.isAlive($0) })
    }

    /// Owners name their host (boot id and pid namespace): a claim from
    /// another host sharing the registry, whose pid means nothing here,
    /// holds until its lease ends instead of looking dead.
    @Test func aProbeOfAnotherHost_holdsItsClaim_untilItsLeaseEnds() throws {
        let host = try #require(ProbeOwner.host, "this machine's /proc gives no boot id")
        #expect(ProbeOwner.next().hasSuffix("@" + host))
        let dead = try Self.deadPid()
        #expect(!ProbeOwner.isAlive("\(dead)-UUID-1@" + host), "a dead process of this host")
        #expect(!ProbeOwner.isAlive("\(dead)-UUID-1"), "the old form, judged by its pid")
        let elsewhere = "\(dead)-UUID-1@00000000-0000-0000-0000-000000000000:4026531836"
        #expect(ProbeOwner.isAlive(elsewhere))

        let clock = TestClock()
        let breaker = try Self.halfOpen("other-host", clock)
        #expect(breaker.admit("t", owner: elsewhere, probeLifetime: nil) == .allowed(probe: true))
        clock.advance(31)
        #expect(breaker.admit("t", owner: "B", probeLifetime: nil) != .allowed(probe: true), "the other host's probe still runs")
        #expect(breaker.describe("t") == "half-open, probed by another call")
        clock.advance(CircuitBreaker.probeLeaseWithoutDeadline)
        #expect(breaker.admit("t", owner: "B", probeLifetime: nil) == .allowed(probe: true), "its lease ended")
    }
}
