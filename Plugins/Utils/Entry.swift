import CKaiABI

// The C face of the plugin: the one exported symbol, the descriptor it
// returns, and the four callbacks. Everything here is @convention(c) glue that
// converts between C pointers and Swift values; no Swift error and no trap may
// cross this boundary, so each callback ends in a kai_result on every path.

/// The descriptor, allocated once and never freed or mutated.
///
/// `nonisolated(unsafe)`: UnsafePointer is not Sendable, but the pointee is
/// written exactly once inside the global's lazy initializer (which Swift runs
/// under swift_once, so it is thread-safe) and only read afterwards; the host
/// never unloads the plugin, so the memory lives for the process, as
/// kai_plugin_entry_v1's contract requires.
nonisolated(unsafe) private let descriptor: UnsafePointer<kai_plugin> = {
    let plugin = UnsafeMutablePointer<kai_plugin>.allocate(capacity: 1)
    plugin.initialize(to: kai_plugin(
        struct_size: UInt32(MemoryLayout<kai_plugin>.size),
        abi_major: UInt32(KAI_ABI_MAJOR),
        abi_minor: 0,
        reserved0: 0,
        describe: describeUtils,
        create: createUtils,
        destroy: destroyUtils,
        invoke: invokeUtils,
        get_extension: nil))
    return UnsafePointer(plugin)
}()

/// The plugin's one exported symbol (declared in kai_plugin.h).
///
/// Minor 0 is the oldest minor, so every ABI-1 host can use this descriptor
/// whatever it offers. `@c` (Swift 6.3, SE-0495) is the supported spelling of
/// `@_cdecl`; `public` is what makes the symbol visible in the .so.
@c(kai_plugin_entry_v1)
public func kaiPluginEntryV1(_ hostABIMinor: UInt32) -> UnsafePointer<kai_plugin>? {
    descriptor
}

/// Never called: it only makes the compiler check the entry's signature
/// against the header's `kai_plugin_entry_fn`, because neither `@c` nor
/// `@_cdecl` compares a definition with the C prototype of the same name.
private func checkEntrySignature() {
    let _: kai_plugin_entry_fn = kaiPluginEntryV1
}

private func describeUtils(_ out: UnsafePointer<kai_output>?) -> kai_result {
    guard let out else { return KAI_ERR_INVALID_INPUT }
    return ResultSink(out).write(Manifest.json)
}

private func createUtils(
    _ host: UnsafePointer<kai_host>?,
    _ errorOut: UnsafePointer<kai_output>?,
    _ instance: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> kai_result {
    guard let host, let instance else { return KAI_ERR_INVALID_INPUT }
    do {
        let created = try UtilsInstance(host: host)
        // +1 retain owned by the host's handle; released in destroyUtils.
        instance.pointee = Unmanaged.passRetained(created).toOpaque()
        return KAI_OK
    } catch {
        if let errorOut { _ = ResultSink(errorOut).fail(error: error) }
        return error.code
    }
}

private func destroyUtils(_ instance: UnsafeMutableRawPointer?) {
    guard let instance else { return }
    Unmanaged<UtilsInstance>.fromOpaque(instance).release()
}

private func invokeUtils(_ instance: UnsafeMutableRawPointer?, _ call: UnsafePointer<kai_call>?) -> kai_result {
    guard let instance, let call, let output = call.pointee.output else { return KAI_ERR_INVALID_INPUT }
    let sink = ResultSink(output)
    // Borrow without retaining: the host guarantees the instance outlives
    // every invoke() (destroy() never runs concurrently with one).
    let utils = Unmanaged<UtilsInstance>.fromOpaque(instance).takeUnretainedValue()
    do throws(ToolError) {
        guard call.pointee.kind == KAI_KIND_TOOL else {
            throw ToolError(code: KAI_ERR_UNSUPPORTED, message: "this plugin only provides tools")
        }
        let name = call.pointee.name.string
        let input = try call.pointee.input.withBytes { bytes throws(ToolError) in try JSONText.decode(bytes) }
        let result = try utils.run(tool: name, input: input)
        return sink.write(try JSONText.encode(result))
    } catch {
        return sink.fail(error: error)
    }
}
