import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Synchronization
import Testing

/// Review item 13: the host consults its PluginStatusGate before every call
/// it routes — nested kai_host.call_tool calls included — and refuses the
/// call when the gate cannot read the status (fail closed).
@Suite struct StatusGateTests {
    /// Disables the plugins it is given; throws for every plugin when `unreadable`.
    final class Gate: PluginStatusGate {
        let disabled: [String: String]
        let unreadable: Bool
        let asked = Mutex<[String]>([])

        init(disabled: [String: String] = [:], unreadable: Bool = false) {
            self.disabled = disabled
            self.unreadable = unreadable
        }

        func disabledReason(plugin id: String) throws(PluginStatusUnreadable) -> String? {
            asked.withLock { $0.append(id) }
            if unreadable { throw PluginStatusUnreadable(reason: "the registry is damaged") }
            return disabled[id]
        }
    }

    static func host(_ gate: Gate) throws -> PluginHost {
        let sources = [PluginSource(path: try Fixtures.fixture()), PluginSource(path: try Fixtures.fixture(id: "test.gated"))]
        return PluginHost.load(from: ListCatalog(sources: sources), statusGate: gate)
    }

    @Test func nestedCall_toAPluginTheGateDisables_isRefused() throws {
        let gate = Gate(disabled: ["test.gated": "it kept crashing"])
        let host = try Self.host(gate)
        let error = host.callError("test.fixture.call_tool", #"{"name": "test.gated.add", "args": {"a": 1, "b": 2}}"#)
        #expect(error?.description == """
            tool "test.fixture.call_tool" failed (UNAVAILABLE): tool "test.gated.add" is unavailable: plugin test.gated \
            was disabled because it kept crashing. Fix the plugin, then run 'kai plugins enable test.gated'. (code: UNAVAILABLE)
            """)
        #expect(gate.asked.withLock { $0 } == ["test.fixture", "test.gated"], "asked for the outer call and the nested one")
        #expect(try host.call("test.fixture.call_tool", #"{"name": "test.fixture.add", "args": {"a": 1, "b": 2}}"#) == ["sum": 3])
    }

    @Test func call_whenTheGateCannotReadTheStatus_isRefused() throws {
        let host = try Self.host(Gate(unreadable: true))
        let error = host.callError("test.fixture.add", #"{"a": 1, "b": 2}"#)
        guard case .pluginStatusUnknown = error else {
            Issue.record("expected pluginStatusUnknown, got \(String(describing: error))")
            return
        }
        #expect(error?.description == """
            cannot read the status of plugin test.fixture in the registry, so the call of test.fixture.add was refused \
            (a plugin supervision disabled must not run): the registry is damaged
            """)
    }
}
