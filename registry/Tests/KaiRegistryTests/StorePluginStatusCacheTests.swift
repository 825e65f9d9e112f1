import Foundation
import KaiCore
@testable import KaiRegistry
import Testing

/// The status gate's cache: a disable written in this process, through any
/// store, is seen by the next call at once.
struct StorePluginStatusCacheTests {
    @Test(arguments: StoreBackendKind.all) func disabledReason_afterAnotherStoreDisablesThePlugin_refusesAtOnce(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.plugin("p", [("add", [])])
        let other = try fixture.another()
        #expect(try other.disabledReason(plugin: "p") == nil)  // read, and kept
        fixture.store.pluginDisabled(id: "p", reason: "its worker failed 3 times within 60 s")
        #expect(try other.disabledReason(plugin: "p") == "its worker failed 3 times within 60 s")
        try fixture.store.setPluginStatus(id: "p", status: .active)
        #expect(try other.disabledReason(plugin: "p") == nil)
    }

    @Test(arguments: StoreBackendKind.all) func disabledReason_anOperatorsDisable_isNotSupervisions(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.plugin("p", [("add", [])])
        try fixture.store.setPluginStatus(id: "p", status: .inactive, reason: "kai plugins disable")
        #expect(try fixture.store.disabledReason(plugin: "p") == nil)
    }
}
