import Foundation
import KaiCore
import KaiRegistry
@testable import KaiRuntime
import KaiTestSupport
import Testing

/// A breaker update that could not be written does not fail the call, and
/// the operator hears of it once, not once per call.
@Suite struct RouterBreakerWriteWarningTests {
    @Test func aBreakerWriteThatFails_warnsOnce() throws {
        let diagnostics = RecordingDiagnostics()
        let directory = Fixtures.scratch + "/breaker-write-warning"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "database: \(directory)/registry.sqlite\nplugins: []\n".write(toFile: directory + "/kai.yaml", atomically: true, encoding: .utf8)
        let runtime = try KaiRuntime.open(settings: RuntimeSettings(configFile: directory + "/kai.yaml", bundledDirectory: nil),
                                          environment: ["HOME": directory], diagnostics: diagnostics)
        defer { try? runtime.shutdown() }
        let error = StoreError(.database, "registry: could not update the circuit breaker of 't': database is locked (SQLite code 5)")
        runtime.breakerWriteFailed(error)
        runtime.breakerWriteFailed(error)
        #expect(diagnostics.warnings == [
            "the router could not record a circuit breaker's state (registry: could not update the circuit breaker of 't': database is locked (SQLite code 5)); "
                + "calls go on, but other kai processes may not see this target's failures. Check the registry with kai doctor.",
        ])
    }
}
