import CKaiABI
import KaiJSON

/// A created plugin instance and the kai_host table handed to it.
///
/// `@unchecked Sendable`: `handle` is written once, before the instance is
/// published, and the host table and config bytes are immutable and freed
/// only in deinit; the plugin itself is responsible for thread safety of its
/// instance under the concurrency it declared.
final class PluginInstance: @unchecked Sendable {
    unowned let plugin: LoadedPlugin
    unowned let host: PluginHost
    let hostTable: UnsafeMutablePointer<kai_host>
    /// The effective config as JSON text, NUL-terminated for C convenience.
    let configText: UnsafeMutableBufferPointer<UInt8>
    private(set) var handle: UnsafeMutableRawPointer?

    private init(plugin: LoadedPlugin, host: PluginHost, config: JSONValue) {
        self.plugin = plugin
        self.host = host
        let bytes = config.serializedBytes()
        configText = .allocate(capacity: bytes.count + 1)
        _ = configText.initialize(from: bytes + [0])
        hostTable = .allocate(capacity: 1)
        hostTable.initialize(to: HostServices.table(context: nil, minor: plugin.library.descriptor.abi_minor))
        hostTable.pointee.ctx = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        hostTable.deallocate()
        configText.deallocate()
    }

    var configString: kai_str {
        kai_str(data: UnsafeRawPointer(configText.baseAddress!).assumingMemoryBound(to: CChar.self), len: configText.count - 1)
    }

    /// Applies config defaults, validates the config, and calls create().
    static func create(plugin: LoadedPlugin, host: PluginHost) throws(PluginLoadError) -> PluginInstance {
        let manifest = plugin.manifest
        let config = ConfigDefaults.apply(schema: manifest.configSchema, to: plugin.config)
        try manifest.checkSchemas(path: plugin.path)
        if let validator = try? manifest.configValidator.schema() {
            let violations = validator.validate(config)
            guard violations.isEmpty else {
                throw PluginLoadError(path: plugin.path, reason: .configInvalid(violations.map(\.description)))
            }
        }
        let instance = PluginInstance(plugin: plugin, host: host, config: config)
        let collector = OutputCollector(limit: OutputCollector.maxErrorBytes)
        var handle: UnsafeMutableRawPointer?
        let code = collector.withOutput { plugin.library.descriptor.create(instance.hostTable, $0, &handle) }
        guard code == KAI_OK else {
            let details = ErrorDetails.describe(collector.errorDetails)
            throw PluginLoadError(path: plugin.path, reason: .createFailed(ResultCode(plugin: code), details))
        }
        instance.handle = handle
        return instance
    }

    func destroy() {
        plugin.library.descriptor.destroy(handle)
    }
}
