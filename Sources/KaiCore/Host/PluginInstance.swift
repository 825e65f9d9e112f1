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
    let library: PluginLibrary
    let hostTable: UnsafeMutablePointer<kai_host>
    /// The effective config as JSON text, NUL-terminated for C convenience.
    let configText: UnsafeMutableBufferPointer<UInt8>
    private(set) var handle: UnsafeMutableRawPointer?

    private init(plugin: LoadedPlugin, library: PluginLibrary, host: PluginHost, config: JSONValue) {
        self.plugin = plugin
        self.library = library
        self.host = host
        let bytes = config.serializedBytes()
        configText = .allocate(capacity: bytes.count + 1)
        _ = configText.initialize(from: bytes + [0])
        hostTable = .allocate(capacity: 1)
        hostTable.initialize(to: HostServices.table(context: nil, minor: library.descriptor.abi_minor))
        hostTable.pointee.ctx = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        hostTable.deallocate()
        configText.deallocate()
    }

    var configString: kai_str {
        kai_str(data: UnsafeRawPointer(configText.baseAddress!).assumingMemoryBound(to: CChar.self), len: configText.count - 1)
    }

    /// Applies config defaults, validates the config (with secrets
    /// redacted), and calls create() with the real secret values merged in.
    static func create(plugin: LoadedPlugin, library: PluginLibrary, host: PluginHost) throws(PluginLoadError) -> PluginInstance {
        let instance = PluginInstance(plugin: plugin, library: library, host: host, config: try effectiveConfig(for: plugin))
        let collector = OutputCollector(limit: OutputCollector.maxErrorBytes)
        var handle: UnsafeMutableRawPointer?
        let code = collector.withOutput { library.descriptor.create(instance.hostTable, $0, &handle) }
        guard code == KAI_OK else {
            let details = host.scrubber.scrub(ErrorDetails.describe(collector.errorDetails))
            throw PluginLoadError(path: plugin.path, reason: .createFailed(ResultCode(plugin: code), details))
        }
        instance.handle = handle
        return instance
    }

    /// The config create() gets: defaults applied, checked against the
    /// configSchema (with secrets redacted), then the real secret values
    /// merged in. Also what a worker's create() gets.
    static func effectiveConfig(for plugin: LoadedPlugin) throws(PluginLoadError) -> JSONValue {
        let manifest = plugin.manifest
        let settings = plugin.settings
        if let problem = settings.problem { throw PluginLoadError(path: plugin.path, reason: .settingsUnusable(problem)) }
        let config = ConfigDefaults.apply(schema: manifest.configSchema, to: settings.config)
        try manifest.checkSchemas(path: plugin.path)
        if let validator = try? manifest.configValidator.schema() {
            let violations = validator.validate(merge(settings.secrets.mapValues(\.redacted), into: config))
            guard violations.isEmpty else {
                throw PluginLoadError(path: plugin.path, reason: .configInvalid(violations.map(\.description)))
            }
        }
        return merge(settings.secrets.mapValues(\.value), into: config)
    }

    func destroy() {
        library.descriptor.destroy(handle)
    }

    private static func merge(_ values: [String: String], into config: JSONValue) -> JSONValue {
        guard !values.isEmpty, case .object(var object) = config else { return config }
        for (key, value) in values.sorted(by: { $0.key < $1.key }) { object[key] = .string(value) }
        return .object(object)
    }
}
