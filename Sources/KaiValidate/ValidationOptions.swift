import KaiCore
import KaiJSON

/// Limits and sizes of the conformance suite. The defaults keep a run
/// under ~20 s on a small machine while still catching what they look for.
public struct ValidationOptions: Sendable {
    /// kai-plugin-worker, which runs every check that executes plugin code.
    public var workerExecutable: String
    /// Seconds the scan helper gets for the entry function and describe().
    public var scanTimeout: Double = 5
    /// Seconds a worker gets to start and create() the instance.
    public var startTimeout: Double = 5
    /// Deadline of each invalid-input probe, in seconds.
    public var probeTimeout: Double = 1
    /// The short deadline every tool is called with, in seconds.
    public var deadline: Double = 0.2
    /// How long past a deadline or cancellation a call may run before its
    /// worker is killed, in seconds.
    public var grace: Double = 0.25
    /// When the cancellation probe cancels its call, in seconds.
    public var cancelAfter: Double = 0.1
    /// Calls made at once to each tool declared "parallel".
    public var concurrentCalls = 8
    /// Largest peak resident size (VmHWM) a worker may reach, in bytes.
    public var peakResidentLimit: Int = 512 << 20
    /// Deadline of the call that follows a tool seen climbing past a
    /// quarter of `peakResidentLimit`, in seconds.
    public var memoryTimeout: Double = 5
    /// Calls of each cheap tool in the memory-growth check, after warm-up.
    public var growthCalls = 10_000
    public var warmUpCalls = 1_000
    /// Calls of every cheap tool in the screen that picks the one to repeat.
    public var screenCalls = 500
    /// Largest growth of resident size (VmRSS) across `growthCalls`, in bytes.
    public var growthLimit: Int = 16 << 20
    /// A tool is cheap enough for the growth check if a call took at most
    /// this long (seconds) in the deadline check.
    public var cheapCall: Double = 0.05

    /// The config create() gets (`--plugin-config`, `--entry`); defaults
    /// from the configSchema are applied on top, as the host does.
    public var pluginConfig: JSONValue = .object([:])
    /// Secrets merged into that config (`--entry`), never shown in reports.
    public var pluginSecrets: [String: PluginSettings.Secret] = [:]

    public init(workerExecutable: String) {
        self.workerExecutable = workerExecutable
    }
}
