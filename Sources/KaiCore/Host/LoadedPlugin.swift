import KaiJSON
import Synchronization

/// A plugin whose manifest has been read and validated. Its instance is
/// created on first use, so listing tools never runs plugin code beyond
/// entry and describe().
public final class LoadedPlugin: Sendable {
    enum InstanceState {
        case notCreated
        case ready(PluginInstance)
        case failed(PluginLoadError)
    }

    public let path: String
    public let manifest: PluginManifest
    /// The operator's configuration before schema defaults are applied.
    public let config: JSONValue
    let library: PluginLibrary
    let state = Mutex<InstanceState>(.notCreated)
    /// Held around every call to a capability declared "serial".
    let serialLock = Mutex<Void>(())

    public var id: String { manifest.id }

    init(library: PluginLibrary, manifest: PluginManifest, config: JSONValue) {
        self.path = library.path
        self.library = library
        self.manifest = manifest
        self.config = config
    }

    /// The instance, created on first use; a failed create() is remembered
    /// and reported again rather than retried on every call.
    func instance(in host: PluginHost) throws(PluginLoadError) -> PluginInstance {
        let result: Result<PluginInstance, PluginLoadError> = state.withLock { state in
            switch state {
            case .ready(let instance): return .success(instance)
            case .failed(let error): return .failure(error)
            case .notCreated:
                do throws(PluginLoadError) {
                    let instance = try PluginInstance.create(plugin: self, host: host)
                    state = .ready(instance)
                    return .success(instance)
                } catch {
                    state = .failed(error)
                    return .failure(error)
                }
            }
        }
        return try result.get()
    }

    /// Destroys the instance if one was created. Called once, at shutdown.
    func destroyInstance() {
        state.withLock { state in
            if case .ready(let instance) = state { instance.destroy() }
            state = .notCreated
        }
    }
}
