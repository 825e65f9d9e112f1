import KaiCore
@testable import KaiRegistry
import Testing

/// The provider capability a model name's provider part designates (what
/// `kai eval` feeds a generated sample's result into).
struct StoreProviderLookupTests {
    @Test(arguments: StoreBackendKind.all) func aProvider_isFoundByItsName_orQualifiedName_andNotAsATool(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.plugin("dev.kai.local", [("local", [])], kind: .provider)
        try fixture.plugin("dev.kai.text", [("openai", [])])
        let id = try #require(try fixture.store.capabilityID(pluginID: "dev.kai.local", kind: .provider, name: "local"))
        #expect(try fixture.store.providerCapabilityID(named: "local") == id)
        #expect(try fixture.store.providerCapabilityID(named: "dev.kai.local.local") == id)
        #expect(try fixture.store.providerCapabilityID(named: "openai") == nil, "a tool of that name is no provider")
        #expect(try fixture.store.providerCapabilityID(named: "nope") == nil)
    }

    @Test(arguments: StoreBackendKind.all) func aPluginsProvider_winsOverAPlaceholder_andTwoPluginsProvidersOfOneNameAreAmbiguous(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        try fixture.plugin("dev.kai.local", [("local", [])], kind: .provider)
        let placeholder = try fixture.store.ensureCapability(pluginID: "old", kind: .provider, name: "local")
        let real = try #require(try fixture.store.capabilityID(pluginID: "dev.kai.local", kind: .provider, name: "local"))
        #expect(try fixture.store.providerCapabilityID(named: "local") == real)
        #expect(try fixture.store.providerCapabilityID(named: "old.local") == placeholder, "named exactly, the placeholder is still found")
        try fixture.plugin("other.plugin", [("local", [])], kind: .provider)
        #expect(try fixture.store.providerCapabilityID(named: "local") == nil)
    }
}
