import CKaiABI

/// The C face shared by the HTTP provider plugins: the descriptor and the
/// work behind its four callbacks. No Swift error and no trap may cross
/// this boundary, so each function ends in a kai_result on every path.
///
/// Each plugin keeps its exported kai_plugin_entry_v1 and passes
/// non-capturing closures (C function pointers cannot capture a generic
/// parameter) that forward here with its concrete Instance.
package enum ProviderEntry<Instance: ProviderPluginInstance> {
    package typealias Describe = @convention(c) (UnsafePointer<kai_output>?) -> kai_result
    package typealias Create = @convention(c) (
        UnsafePointer<kai_host>?, UnsafePointer<kai_output>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> kai_result
    package typealias Destroy = @convention(c) (UnsafeMutableRawPointer?) -> Void
    package typealias Invoke = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<kai_call>?) -> kai_result

    /// The descriptor, allocated once by the caller's global and never freed
    /// or mutated (the host never unloads plugins). Minor 1: the provider
    /// contract.
    package static func descriptor(describe: Describe, create: Create, destroy: Destroy, invoke: Invoke) -> UnsafePointer<kai_plugin> {
        let plugin = UnsafeMutablePointer<kai_plugin>.allocate(capacity: 1)
        plugin.initialize(to: kai_plugin(
            struct_size: UInt32(MemoryLayout<kai_plugin>.size),
            abi_major: UInt32(KAI_ABI_MAJOR),
            abi_minor: 1,
            reserved0: 0,
            describe: describe,
            create: create,
            destroy: destroy,
            invoke: invoke,
            get_extension: nil))
        return UnsafePointer(plugin)
    }

    package static func describe(_ out: UnsafePointer<kai_output>?, manifest: StaticString) -> kai_result {
        guard let out else { return KAI_ERR_INVALID_INPUT }
        return OutputSink(out).write(manifest)
    }

    package static func create(
        _ host: UnsafePointer<kai_host>?,
        _ errorOut: UnsafePointer<kai_output>?,
        _ instance: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> kai_result {
        guard let host, let instance else { return KAI_ERR_INVALID_INPUT }
        do throws(ProviderError) {
            let created = try Instance(host: host)
            // +1 retain owned by the host's handle; released in destroy.
            instance.pointee = Unmanaged.passRetained(created).toOpaque()
            return KAI_OK
        } catch {
            if let errorOut { return OutputSink(errorOut).fail(error) }
            return error.code
        }
    }

    package static func destroy(_ instance: UnsafeMutableRawPointer?) {
        guard let instance else { return }
        Unmanaged<Instance>.fromOpaque(instance).release()
    }

    package static func invoke(_ instance: UnsafeMutableRawPointer?, _ call: UnsafePointer<kai_call>?) -> kai_result {
        guard let instance, let call, let output = call.pointee.output else { return KAI_ERR_INVALID_INPUT }
        let sink = OutputSink(output)
        // Borrowed without retaining: the instance outlives every invoke().
        let provider = Unmanaged<Instance>.fromOpaque(instance).takeUnretainedValue()
        let name = Instance.capabilityName
        guard call.pointee.kind == KAI_KIND_PROVIDER, call.pointee.name.string == name else {
            return sink.fail(ProviderError(KAI_ERR_UNSUPPORTED, "this plugin has one capability, the provider \"\(name)\""))
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
}
