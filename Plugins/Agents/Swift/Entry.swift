import CKaiABI

// The C face of the plugin: the one exported symbol, the descriptor it
// returns, and the four callbacks. No Swift error or trap crosses this
// boundary: every callback ends in a kai_result on every path.

/// The descriptor, allocated once and never freed or mutated.
///
/// `nonisolated(unsafe)`: UnsafePointer is not Sendable, but the pointee is
/// written once inside the global's lazy initializer (run under swift_once,
/// so thread-safe) and only read afterwards; the host never unloads plugins.
nonisolated(unsafe) private let descriptor: UnsafePointer<kai_plugin> = {
    let plugin = UnsafeMutablePointer<kai_plugin>.allocate(capacity: 1)
    plugin.initialize(to: kai_plugin(
        struct_size: UInt32(MemoryLayout<kai_plugin>.size),
        abi_major: UInt32(KAI_ABI_MAJOR),
        abi_minor: 2,
        reserved0: 0,
        describe: describeAgents,
        create: createAgents,
        destroy: destroyAgents,
        invoke: invokeAgents,
        get_extension: nil))
    return UnsafePointer(plugin)
}()

/// The plugin's one exported symbol (kai_plugin.h). Minor 2 (the agent
/// contract) is needed: an older host has no kai.host.agent/1 and would drop
/// the agents' text and steps.
@c(kai_plugin_entry_v1)
public func kaiPluginEntryV1(_ hostABIMinor: UInt32) -> UnsafePointer<kai_plugin>? {
    hostABIMinor >= 2 ? descriptor : nil
}

/// Never called: makes the compiler check the entry against the header's
/// `kai_plugin_entry_fn`.
private func checkEntrySignature() {
    let _: kai_plugin_entry_fn = kaiPluginEntryV1
}

private func describeAgents(_ out: UnsafePointer<kai_output>?) -> kai_result {
    guard let out else { return KAI_ERR_INVALID_INPUT }
    return ResultWriter(out).write(Manifest.json)
}

private func createAgents(
    _ host: UnsafePointer<kai_host>?,
    _ errorOut: UnsafePointer<kai_output>?,
    _ instance: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> kai_result {
    guard let host, let instance else { return KAI_ERR_INVALID_INPUT }
    // +1 retain owned by the host's handle; released in destroyAgents.
    instance.pointee = Unmanaged.passRetained(AgentsInstance(host: host)).toOpaque()
    return KAI_OK
}

private func destroyAgents(_ instance: UnsafeMutableRawPointer?) {
    guard let instance else { return }
    Unmanaged<AgentsInstance>.fromOpaque(instance).release()
}

private func invokeAgents(_ instance: UnsafeMutableRawPointer?, _ call: UnsafePointer<kai_call>?) -> kai_result {
    guard let instance, let call, let output = call.pointee.output else { return KAI_ERR_INVALID_INPUT }
    // Borrowed without retaining: the host keeps the instance alive for
    // every invoke() (destroy() never runs concurrently with one).
    let agents = Unmanaged<AgentsInstance>.fromOpaque(instance).takeUnretainedValue()
    let writer = ResultWriter(output)
    switch agents.invoke(call) {
    case .success(let result): return writer.write(result.serializedBytes())
    case .failure(let failure): return writer.fail(failure)
    }
}
