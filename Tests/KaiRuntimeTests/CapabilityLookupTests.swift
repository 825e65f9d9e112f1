import KaiCore
import KaiRuntime
import KaiTestSupport
import Testing

/// CapabilityIndex.lookup: what resolve finds, or nil where resolve throws
/// (the router keys every target name with it, on every call).
@Suite struct CapabilityLookupTests {
    @Test func lookup_findsWhatResolveFinds_andNilForAnUnknownName() throws {
        let workspace = try RuntimeOpenTests.Workspace("lookup")
        let runtime = try KaiRuntime.open(settings: workspace.settings(), environment: workspace.environment, diagnostics: RecordingDiagnostics())
        defer { try? runtime.shutdown() }
        let tools = runtime.host.tools
        let entry = try tools.resolve("hash")
        #expect(tools.lookup("hash")?.qualifiedName == entry.qualifiedName)
        #expect(tools.lookup(entry.qualifiedName)?.qualifiedName == entry.qualifiedName)
        #expect(tools.lookup("hsah") == nil)
        #expect(throws: CallError.self) { try tools.resolve("hsah") }
    }
}
