import Foundation
import KaiCore
import KaiJSON
import Logging
import Synchronization

/// The plugin running in kai-plugin-worker processes for the checks that
/// call it, and what the suite saw of those workers beyond call results:
/// a worker that died between calls, bytes written to stdout, peak memory.
///
/// Used from one thread at a time (the concurrency check fans out inside
/// one call to `concurrently`), so its bookkeeping needs no lock; the
/// memory sampler's figures are behind its own.
final class WorkerSession {
    let host: PluginHost
    let plugin: LoadedPlugin
    let options: ValidationOptions

    /// A worker that ended while idle, and the tool called last before it.
    struct IdleDeath {
        let tool: String
        let exit: WorkerExit
    }

    private(set) var idleDeaths: [IdleDeath] = []
    /// Bytes on stdout by phase ("starting", or a tool's name), in order.
    private(set) var stdoutWrites: [(phase: String, bytes: Int)] = []
    /// The first tool after whose calls a worker's peak resident size was
    /// over the limit, and that size (one entry per worker process).
    private var peakOverruns: [(tool: String, bytes: Int)] = []
    private var overrunPIDs: Set<Int32> = []
    private let sampler: MemorySampler
    /// Tools some check failed; the growth check leaves them out.
    var failedTools: Set<String> = []
    private var lastTool = "(start)"
    private var stdoutSeen = 0

    init(host: PluginHost, plugin: LoadedPlugin, options: ValidationOptions) {
        self.host = host
        self.plugin = plugin
        self.options = options
        sampler = MemorySampler(plugin: plugin)
    }

    /// Stops the memory sampler. Call once, when the checks are done.
    func finish() { sampler.stop() }

    /// Tools whose worker grew past `threshold` bytes during their calls
    /// without (yet) passing the limit: a call killed at a short deadline
    /// may have been stopped on its way up.
    func climbing(past threshold: Int) -> [String] {
        let over = Set(memoryOverruns.map(\.tool))
        return sampler.largest.filter { $0.bytes > threshold && !over.contains($0.tool) }.map(\.tool)
    }

    /// Calls `tool` with a long deadline while the sampler kills the worker
    /// the moment its resident size passes the limit, so where it peaks is
    /// measured rather than cut short by a deadline. The call's own outcome
    /// does not matter here.
    func callUnderMemoryWatch(_ tool: Capability, _ arguments: [UInt8], timeout: Double) {
        sampler.watch(limit: options.peakResidentLimit)
        _ = call(tool, arguments, timeout: timeout)
        if sampler.unwatch() { stoppedAtLimit.insert(tool.name) }
        settle(after: tool.name)
    }

    /// Tools whose worker the watchdog killed at the limit.
    private(set) var stoppedAtLimit: Set<String> = []

    /// Tools during whose calls (sampled every few ms) or after whose calls
    /// (the worker's VmHWM) resident memory was over the limit, with the
    /// largest size seen.
    var memoryOverruns: [(tool: String, bytes: Int)] {
        var worst: [String: Int] = [:]
        var order: [String] = []
        for (tool, bytes) in sampler.largest.filter({ $0.bytes > options.peakResidentLimit }) + peakOverruns {
            if worst[tool] == nil { order.append(tool) }
            worst[tool] = max(worst[tool] ?? 0, bytes)
        }
        return order.map { ($0, worst[$0]!) }
    }

    /// The worker settings of every check that calls the plugin: supervision
    /// never disables it or backs off (each call may crash it on purpose),
    /// and the kill grace is the suite's.
    static func policy(_ options: ValidationOptions) -> WorkerPolicy {
        WorkerPolicy(executable: options.workerExecutable, maxFailures: .max, failureWindow: 1, killGrace: options.grace,
                     startTimeout: options.startTimeout, backoffBase: 0, backoffCap: 0)
    }

    static let silentLogger = Logger(label: "kai.validate") { _ in SwiftLogNoOpLogHandler() }

    /// Calls `tool` once. A worker found dead before the call is blamed on
    /// the tool called before it.
    func call(_ tool: Capability, _ arguments: [UInt8], timeout: Double?, token: CancellationToken? = nil,
              validates: Bool = true) -> CallOutcome {
        willCall(tool)
        return Self.call(host, plugin, tool, arguments, timeout: timeout, token: token, validates: validates)
    }

    /// Before calls made without the session (from other threads).
    func willCall(_ tool: Capability) {
        noteIdleDeath()
        lastTool = tool.name
        sampler.current.withLock { $0 = tool.name }
    }

    /// One call, with no bookkeeping: safe from any thread.
    static func call(
        _ host: PluginHost, _ plugin: LoadedPlugin, _ tool: Capability, _ arguments: [UInt8], timeout: Double?,
        token: CancellationToken? = nil, validates: Bool = true
    ) -> CallOutcome {
        var options = CallOptions(timeout: timeout, cancellation: token)
        options.validatesArguments = validates
        let started = Stopwatch.now()
        do {
            let result = try host.callTool("\(plugin.id).\(tool.name)", arguments: arguments, options: options)
            return CallOutcome(result: .success(result.json), seconds: Stopwatch.seconds(since: started))
        } catch {
            return CallOutcome(result: .failure(error), seconds: Stopwatch.seconds(since: started))
        }
    }

    /// After a tool's calls: gives a thread the plugin left behind a moment
    /// to crash, then collects the worker's fate, stdout bytes and peak size.
    func settle(after tool: String, pause: Double = 0.02) {
        Stopwatch.sleep(seconds: pause)
        noteIdleDeath()
        noteStdout(phase: tool)
        notePeak(tool: tool)
    }

    func noteStdout(phase: String) {
        let total = plugin.workerStdoutBytes  // exact: it syncs with the drain
        defer { stdoutSeen = total }
        guard total > stdoutSeen else { return }
        if let index = stdoutWrites.firstIndex(where: { $0.phase == phase }) {
            stdoutWrites[index].bytes += total - stdoutSeen
        } else {
            stdoutWrites.append((phase, total - stdoutSeen))
        }
    }

    private func noteIdleDeath() {
        if let exit = host.reapIdleWorker(plugin) { idleDeaths.append(IdleDeath(tool: lastTool, exit: exit)) }
    }

    private func notePeak(tool: String) {
        guard let pid = plugin.workerPID, !overrunPIDs.contains(pid),
              let peak = ProcStatus.peakResident(pid), peak > options.peakResidentLimit else { return }
        overrunPIDs.insert(pid)
        peakOverruns.append((tool, peak))
    }

    /// Idle deaths recorded since `mark` (a count taken earlier), as findings.
    func idleDeathFindings(since mark: Int) -> [String] {
        idleDeaths.dropFirst(mark).map { death in
            failedTools.insert(death.tool)
            return "\(death.tool): the worker \(death.exit) after a call to \(death.tool) had returned "
                + "(a thread the plugin left running?). A call must not leave work behind that can crash."
        }
    }
}

/// Reads the worker's VmRSS every few milliseconds and keeps the largest
/// figure per tool being called, so a call that balloons is caught even
/// when it is killed before it returns.
///
/// Between `watch(limit:)` and `unwatch()` it is also a watchdog: a worker
/// over that size is killed at once (SIGKILL), as an OOM killer would.
///
/// `@unchecked Sendable`: `current`, `watchdog`, `figures` and `running`
/// are Mutexes.
private final class MemorySampler: @unchecked Sendable {
    let current = Mutex<String>("(start)")
    private let watchdog = Mutex(Watchdog())
    private let figures = Mutex<[(tool: String, bytes: Int)]>([])
    private let running = Mutex<Bool>(true)

    /// The watchdog's state, all under one lock: the limit of the call being
    /// watched (nil between calls), a generation bumped whenever the limit is
    /// set or cleared, and whether the worker was killed in this one. The
    /// sampler reads the limit, then samples; it kills only if the generation
    /// it read is still current (the call has not ended in the meantime) and
    /// the worker is still the process it sampled — checked and done inside
    /// the lock, so a kill can never land on the next call's worker.
    private struct Watchdog {
        var limit: Int?
        var generation = 0
        var killed = false
    }

    init(plugin: LoadedPlugin) {
        Thread.detachNewThread { [self] in
            while running.withLock({ $0 }) {
                let (limit, generation) = watchdog.withLock { ($0.limit, $0.generation) }
                if let pid = plugin.workerPID, let bytes = ProcStatus.resident(pid) {
                    record(bytes)
                    if let limit, bytes > limit {
                        watchdog.withLock { state in
                            guard state.generation == generation, state.limit != nil, plugin.workerPID == pid else { return }
                            kill(pid, SIGKILL)
                            state.killed = true
                        }
                    }
                }
                Stopwatch.sleep(seconds: 0.005)
            }
        }
    }

    /// Kills the worker from now on if its resident size passes `limit`.
    func watch(limit: Int) {
        watchdog.withLock { state in
            state.limit = limit
            state.generation += 1
            state.killed = false
        }
    }

    /// Stops killing; whether the worker was killed since `watch(limit:)`.
    func unwatch() -> Bool {
        watchdog.withLock { state in
            state.limit = nil
            state.generation += 1
            defer { state.killed = false }
            return state.killed
        }
    }

    private func record(_ bytes: Int) {
        let tool = current.withLock { $0 }
        figures.withLock { figures in
            if let index = figures.firstIndex(where: { $0.tool == tool }) {
                figures[index].bytes = max(figures[index].bytes, bytes)
            } else {
                figures.append((tool, bytes))
            }
        }
    }

    var largest: [(tool: String, bytes: Int)] { figures.withLock { $0 } }

    func stop() { running.withLock { $0 = false } }
}

/// One call as the suite saw it.
struct CallOutcome {
    let result: Result<[UInt8], CallError>
    let seconds: Double

    /// The worker died or was killed, or the answer was not JSON.
    var brokeTheCall: Bool {
        guard case .failure(let error) = result else { return false }
        switch error {
        case .workerCrashed, .workerExited, .workerBrokeProtocol, .deadlineKilled, .cancelKilled, .workerUnavailable, .pluginDisabled,
             .pluginStatusUnknown, .invalidOutput:
            return true
        default:
            return false
        }
    }

    var errorText: String? {
        if case .failure(let error) = result { return error.description }
        return nil
    }

    var milliseconds: String { "\(Int((seconds * 1000).rounded())) ms" }
}
