import CKaiABI
import KaiJSON

// The C face of the plugin: the exported entry, the descriptor and its four
// callbacks. No Swift error or trap may cross this boundary: every callback
// ends in a kai_result on every path.

/// The descriptor, built once and never freed (the host never unloads).
/// `nonisolated(unsafe)`: written once under swift_once, then only read.
nonisolated(unsafe) private let descriptor: UnsafePointer<kai_plugin> = {
    let plugin = UnsafeMutablePointer<kai_plugin>.allocate(capacity: 1)
    plugin.initialize(to: kai_plugin(
        struct_size: UInt32(MemoryLayout<kai_plugin>.size),
        abi_major: UInt32(KAI_ABI_MAJOR),
        abi_minor: 1,
        reserved0: 0,
        describe: describeLocal,
        create: createLocal,
        destroy: destroyLocal,
        invoke: invokeLocal,
        get_extension: nil))
    return UnsafePointer(plugin)
}()

/// The plugin's one exported symbol (kai_plugin.h). Minor 1 is needed for
/// kai_call.operation (model listing); a 1.0 host gets nil and says why.
@c(kai_plugin_entry_v1)
public func kaiPluginEntryV1(_ hostABIMinor: UInt32) -> UnsafePointer<kai_plugin>? {
    hostABIMinor >= 1 ? descriptor : nil
}

/// Never called: makes the compiler check the entry against the header.
private func checkEntrySignature() {
    let _: kai_plugin_entry_fn = kaiPluginEntryV1
}

private func describeLocal(_ out: UnsafePointer<kai_output>?) -> kai_result {
    guard let out, let write = out.pointee.write else { return KAI_ERR_INVALID_INPUT }
    return Manifest.json.withUTF8Buffer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { write(out, $0.baseAddress, $0.count) }
    }
}

private func createLocal(
    _ host: UnsafePointer<kai_host>?,
    _ errorOut: UnsafePointer<kai_output>?,
    _ instance: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> kai_result {
    guard let host, let instance else { return KAI_ERR_INVALID_INPUT }
    do throws(ProviderError) {
        let text = host.pointee.config.map { $0(host) } ?? kai_str(data: nil, len: 0)
        let json = text.len == 0 ? JSONValue.object(JSONObject()) : try parse(text, what: "config")
        let created = LocalInstance(host: host, config: try LocalConfig(json: json))
        // +1 retain owned by the host's handle; released in destroyLocal.
        instance.pointee = Unmanaged.passRetained(created).toOpaque()
        return KAI_OK
    } catch {
        if let errorOut { fail(errorOut, error) }
        return error.code
    }
}

private func destroyLocal(_ instance: UnsafeMutableRawPointer?) {
    guard let instance else { return }
    Unmanaged<LocalInstance>.fromOpaque(instance).release()
}

private func invokeLocal(_ instance: UnsafeMutableRawPointer?, _ call: UnsafePointer<kai_call>?) -> kai_result {
    guard let instance, let call, let output = call.pointee.output else { return KAI_ERR_INVALID_INPUT }
    // Borrowed: destroy() never runs while an invoke() does.
    let local = Unmanaged<LocalInstance>.fromOpaque(instance).takeUnretainedValue()
    var events = EventEmitter(call.pointee.events)
    do throws(ProviderError) {
        guard call.pointee.kind == KAI_KIND_PROVIDER else {
            throw ProviderError(code: KAI_ERR_UNSUPPORTED, message: "dev.kai.local provides only the provider \"local\"")
        }
        let operationOffset = MemoryLayout<kai_call>.offset(of: \kai_call.operation)!
        let operation = Int(call.pointee.struct_size) >= operationOffset + 4 ? call.pointee.operation : UInt32(KAI_OP_INVOKE)
        let bytes: [UInt8]
        if operation == UInt32(KAI_OP_LIST_MODELS) {
            bytes = try local.listModels()
        } else if operation == UInt32(KAI_OP_INVOKE) {
            let input = try parse(call.pointee.input, what: "request")
            bytes = try local.complete(input, control: CallControl(host: local.host, call: call), events: &events)
        } else {
            throw ProviderError(code: KAI_ERR_UNSUPPORTED, message: "operation \(operation) is not one the local provider knows")
        }
        return withStr(bytes) { text in output.pointee.write?(output, text.data, text.len) ?? KAI_ERR_INTERNAL }
    } catch {
        fail(output, error)
        events.error(error)
        return error.code
    }
}

private func parse(_ text: kai_str, what: String) throws(ProviderError) -> JSONValue {
    guard let data = text.data, text.len > 0 else { throw .invalidInput("the \(what) is empty") }
    do {
        return try JSONParser.parse(UnsafeRawBufferPointer(start: data, count: text.len))
    } catch {
        throw .invalidInput("the \(what) is not JSON: \(error)")
    }
}

private func fail(_ output: UnsafePointer<kai_output>, _ error: ProviderError) {
    guard let setError = output.pointee.set_error else { return }
    _ = withStr(error.detailsJSON) { setError(output, $0.data, $0.len) }
}
