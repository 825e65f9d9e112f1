import CKaiABI

// The C face of the plugin: the one exported symbol, the descriptor it
// returns, and the four callbacks. No Swift error or trap may cross this
// boundary, so each callback ends in a kai_result on every path.

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
        abi_minor: 0,
        reserved0: 0,
        describe: describeSandbox,
        create: createSandbox,
        destroy: destroySandbox,
        invoke: invokeSandbox,
        get_extension: nil))
    return UnsafePointer(plugin)
}()

/// The plugin's one exported symbol (kai_plugin.h). A tool needs nothing
/// newer than minor 0, so every ABI-1 host can load it.
@c(kai_plugin_entry_v1)
public func kaiPluginEntryV1(_ hostABIMinor: UInt32) -> UnsafePointer<kai_plugin>? {
    descriptor
}

/// Never called: makes the compiler check the entry against the header's
/// `kai_plugin_entry_fn`.
private func checkEntrySignature() {
    let _: kai_plugin_entry_fn = kaiPluginEntryV1
}

private func describeSandbox(_ out: UnsafePointer<kai_output>?) -> kai_result {
    guard let out else { return KAI_ERR_INVALID_INPUT }
    return PluginOutput(out).write(Manifest.json)
}

private func createSandbox(
    _ host: UnsafePointer<kai_host>?,
    _ errorOut: UnsafePointer<kai_output>?,
    _ instance: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> kai_result {
    guard let host, let instance else { return KAI_ERR_INVALID_INPUT }
    do throws(ToolFailure) {
        let configText = host.pointee.config.map { $0(host).string } ?? "{}"
        let created = SandboxToolInstance(config: try SandboxToolConfig(json: configText))
        // +1 retain owned by the host's handle; released in destroySandbox.
        instance.pointee = Unmanaged.passRetained(created).toOpaque()
        return KAI_OK
    } catch {
        if let errorOut { _ = PluginOutput(errorOut).fail(error) }
        return error.code
    }
}

private func destroySandbox(_ instance: UnsafeMutableRawPointer?) {
    guard let instance else { return }
    Unmanaged<SandboxToolInstance>.fromOpaque(instance).release()
}

private func invokeSandbox(_ instance: UnsafeMutableRawPointer?, _ call: UnsafePointer<kai_call>?) -> kai_result {
    guard let instance, let call, let output = call.pointee.output else { return KAI_ERR_INVALID_INPUT }
    let out = PluginOutput(output)
    // Borrowed without retaining: the host keeps the instance alive for
    // every invoke() (destroy() never runs concurrently with one).
    let tool = Unmanaged<SandboxToolInstance>.fromOpaque(instance).takeUnretainedValue()
    do throws(ToolFailure) {
        guard call.pointee.kind == KAI_KIND_TOOL, call.pointee.name.string == "sandbox_run" else {
            throw ToolFailure(code: KAI_ERR_NOT_FOUND, message: "unknown capability '\(call.pointee.name.string)'; this plugin provides the tool sandbox_run")
        }
        let arguments = try SandboxRunArguments(json: call.pointee.input.string)
        return out.write(try tool.run(arguments).serializedBytes())
    } catch {
        return out.fail(error)
    }
}
