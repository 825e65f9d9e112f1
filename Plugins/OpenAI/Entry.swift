import CKaiABI
import KaiProviderKit

// The C face of the plugin: the one exported symbol and the descriptor it
// returns. The four callbacks are non-capturing closures (C function
// pointers cannot be generic) forwarding to ProviderEntry, which does the
// work for every HTTP provider and lets no Swift error or trap cross.

private typealias Entry = ProviderEntry<OpenAIInstance>

/// The descriptor, allocated once and never freed or mutated.
///
/// `nonisolated(unsafe)`: UnsafePointer is not Sendable, but the pointee is
/// written once inside the global's lazy initializer (run under swift_once,
/// so thread-safe) and only read afterwards; the host never unloads plugins.
nonisolated(unsafe) private let descriptor: UnsafePointer<kai_plugin> = Entry.descriptor(
    describe: { Entry.describe($0, manifest: Manifest.json) },
    create: { Entry.create($0, $1, $2) },
    destroy: { Entry.destroy($0) },
    invoke: { Entry.invoke($0, $1) })

/// The plugin's one exported symbol (kai_plugin.h). Minor 1 (the provider
/// contract) is needed: a host offering only 1.0 cannot call providers.
@c(kai_plugin_entry_v1)
public func kaiPluginEntryV1(_ hostABIMinor: UInt32) -> UnsafePointer<kai_plugin>? {
    hostABIMinor >= 1 ? descriptor : nil
}

/// Never called: makes the compiler check the entry against the header's
/// `kai_plugin_entry_fn`.
private func checkEntrySignature() {
    let _: kai_plugin_entry_fn = kaiPluginEntryV1
}
