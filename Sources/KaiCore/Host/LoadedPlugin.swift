import KaiJSON
import Synchronization

/// A plugin whose manifest has been read and validated — from the file, or
/// from the scan cache without opening it. The library is opened and the
/// instance created on first use, so listing tools never runs plugin code
/// beyond entry and describe() (and, with a warm cache, not even those).
public final class LoadedPlugin: Sendable {
    enum InstanceState {
        case notCreated
        case ready(PluginInstance)
        case failed(PluginLoadError)
        /// The host shut the plugin down: no instance is created again.
        case shutDown
    }

    public let path: String
    public let manifest: PluginManifest
    public let settings: PluginSettings
    /// True when the manifest came from the scan cache.
    public let fromCache: Bool
    private let library: Mutex<PluginLibrary?>
    let state = Mutex<InstanceState>(.notCreated)
    /// The instance once created, read without the lock by calls the gate
    /// admitted (admittedInstance): 50 runs at once queued on `state`.
    private let readyInstance = AtomicLazyReference<PluginInstance>()
    /// Held around every call to a capability declared "serial".
    let serialLock = Mutex<Void>(())
    /// Calls in flight; closed at shutdown (see CallGate).
    let gate = CallGate()
    /// The worker's supervisor when the plugin runs in a process of its own.
    let supervisor: WorkerSupervisor?
    /// What serves the calls when no library does (see ToolBackend).
    public let backend: (any ToolBackend)?

    public var id: String { manifest.id }
    public var status: PluginStatus { settings.status }

    /// How calls reach the plugin: inprocess, or its worker's state
    /// ("process: ready", "process: disabled", ...).
    public var isolationState: String {
        if let backend { return backend.stateName }
        guard let supervisor else { return PluginIsolation.inprocess.rawValue }
        return "\(settings.isolation.rawValue): \(supervisor.stateName)"
    }

    /// The process id of the plugin's running worker, if it has one.
    public var workerPID: Int32? { supervisor?.workerPID }

    init(path: String, library: PluginLibrary?, manifest: PluginManifest, settings: PluginSettings, fromCache: Bool,
         backend: (any ToolBackend)? = nil) {
        self.path = path
        self.backend = backend
        self.library = Mutex(library)
        self.fromCache = fromCache
        self.manifest = manifest
        self.settings = settings
        var policy = settings.worker
        policy.sandboxed = settings.isolation == .sandbox
        policy.network = manifest.network
        supervisor = settings.isolation == .inprocess || backend != nil
            ? nil : WorkerSupervisor(path: path, pluginID: manifest.id, policy: policy)
    }

    /// The opened library; a cached plugin is opened here, on first use.
    func openLibrary() throws(PluginLoadError) -> PluginLibrary {
        let result: Result<PluginLibrary, PluginLoadError> = library.withLock { library in
            if let library { return .success(library) }
            do throws(PluginLoadError) {
                let opened = try PluginLibrary.open(path: path)
                library = opened
                return .success(opened)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The instance, created on first use; a failed create() is remembered
    /// and reported again rather than retried on every call.
    func instance(in host: PluginHost) throws(PluginLoadError) -> PluginInstance {
        let result: Result<PluginInstance, PluginLoadError> = state.withLock { state in
            switch state {
            case .ready(let instance): return .success(instance)
            case .failed(let error): return .failure(error)
            case .shutDown: return .failure(PluginLoadError(path: path, reason: .shutDown))
            case .notCreated:
                do throws(PluginLoadError) {
                    let instance = try PluginInstance.create(plugin: self, library: try openLibrary(), host: host)
                    state = .ready(instance)
                    _ = readyInstance.storeIfNil(instance)
                    return .success(instance)
                } catch {
                    state = .failed(error)
                    return .failure(error)
                }
            }
        }
        return try result.get()
    }

    /// `instance(in:)` for a call the gate admitted (gate.enter() returned
    /// true and leave() is not called yet): lock-free once the instance
    /// exists. Shutdown closes the gate and waits for admitted calls before
    /// it destroys the instance, so an admitted call never sees it destroyed.
    func admittedInstance(in host: PluginHost) throws(PluginLoadError) -> PluginInstance {
        if let ready = readyInstance.load() { return ready }
        return try instance(in: host)
    }

    /// Closes the gate, waits (until `deadline`) for the calls in flight,
    /// then destroys the instance if one was created: the ABI promises
    /// destroy() never overlaps an invoke(). Returns how many calls were
    /// still running at the deadline; then destroy() is not called at all
    /// (the instance leaks, as the library does) rather than pulled from
    /// under them. Later calls fail: the plugin is shut down for good.
    @discardableResult
    func destroyInstance(deadline: Int64 = MonotonicClock.noDeadline) -> Int {
        let running = gate.close(waitingUntil: deadline)
        state.withLock { state in
            if running == 0, case .ready(let instance) = state { instance.destroy() }
            state = .shutDown
        }
        return running
    }
}
