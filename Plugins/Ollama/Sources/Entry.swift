import CKaiABI
import KaiProviderKit

// The C face of the plugin: the one exported symbol, the descriptor it
// returns, and the four callbacks. No Swift error and no trap may cross this
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
        abi_minor: 1,
        reserved0: 0,
        describe: describeOllama,
        create: createOllama,
        destroy: destroyOllama,
        invoke: invokeOllama,
        get_extension: nil))
    return UnsafePointer(plugin)
}()

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

private func describeOllama(_ out: UnsafePointer<kai_output>?) -> kai_result {
    guard let out else { return KAI_ERR_INVALID_INPUT }
    return OutputSink(out).write(Manifest.json)
}

private func createOllama(
    _ host: UnsafePointer<kai_host>?,
    _ errorOut: UnsafePointer<kai_output>?,
    _ instance: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> kai_result {
    guard let host, let instance else { return KAI_ERR_INVALID_INPUT }
    do throws(ProviderError) {
        let created = try OllamaInstance(host: host)
        // +1 retain owned by the host's handle; released in destroyOllama.
        instance.pointee = Unmanaged.passRetained(created).toOpaque()
        return KAI_OK
    } catch {
        if let errorOut { return OutputSink(errorOut).fail(error) }
        return error.code
    }
}

private func destroyOllama(_ instance: UnsafeMutableRawPointer?) {
    guard let instance else { return }
    Unmanaged<OllamaInstance>.fromOpaque(instance).release()
}

private func invokeOllama(_ instance: UnsafeMutableRawPointer?, _ call: UnsafePointer<kai_call>?) -> kai_result {
    guard let instance, let call, let output = call.pointee.output else { return KAI_ERR_INVALID_INPUT }
    let sink = OutputSink(output)
    // Borrowed without retaining: the instance outlives every invoke().
    let provider = Unmanaged<OllamaInstance>.fromOpaque(instance).takeUnretainedValue()
    guard call.pointee.kind == KAI_KIND_PROVIDER, call.pointee.name.string == "ollama" else {
        return sink.fail(ProviderError(KAI_ERR_UNSUPPORTED, "this plugin has one capability, the provider \"ollama\""))
    }
    // kai_call.operation exists only when the host's struct reaches it.
    let operationEnd = MemoryLayout<kai_call>.offset(of: \.operation)! + MemoryLayout<UInt32>.size
    let operation = Int(call.pointee.struct_size) >= operationEnd ? call.pointee.operation : UInt32(KAI_OP_INVOKE)
    switch operation {
    case UInt32(KAI_OP_INVOKE): return provider.chat(call, output: sink)
    case UInt32(KAI_OP_LIST_MODELS): return provider.listModels(call, output: sink)
    default: return sink.fail(ProviderError(KAI_ERR_UNSUPPORTED, "operation \(operation) is not one this provider knows"))
    }
}
