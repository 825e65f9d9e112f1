import Foundation
import Logging

/// Keeps one `process` plugin's worker alive: starts it on first use,
/// restarts it after a failure (at once the first time, then with
/// exponential backoff), disables the plugin after `maxFailures` failures
/// within `failureWindow`, and stops it at shutdown.
///
///     notStarted ─call─▶ starting ─created─▶ ready ─failure─▶ crashed | backingOff | disabled
///     crashed ─call─▶ starting          backingOff ─call after the delay─▶ starting
///     starting ─plugin did not load / create() failed─▶ createFailed (reported on every call)
///     ready ─shutdown─▶ draining ─calls done or deadline─▶ stopped
///
/// `@unchecked Sendable`: all mutable state is guarded by `monitor`, and
/// re-checked after every wait and after the unlocked start of a worker.
final class WorkerSupervisor: @unchecked Sendable {
    enum State {
        case notStarted
        case starting
        case ready(WorkerConnection)
        /// The worker failed once (the phrase says how); the next call restarts it.
        case crashed(String)
        /// Failed again; no restart before `until` (monotonic ns).
        case backingOff(until: Int64, String)
        case createFailed(PluginLoadError)
        case disabled(String)
        case draining
        case stopped
    }

    let path: String
    let pluginID: String
    let policy: WorkerPolicy
    private let monitor = Monitor()
    private var state = State.notStarted
    private var failureTimes: [Int64] = []
    private var consecutiveFailures = 0
    private var inFlight = 0
    /// Bytes the plugin wrote to stdout, over all its workers.
    let stdoutBytes = ByteCounter()
    /// The stdout of the worker started last (it may have died since).
    private var lastStdout: OutputDrain?

    init(path: String, pluginID: String, policy: WorkerPolicy) {
        self.path = path
        self.pluginID = pluginID
        self.policy = policy
    }

    /// The state's name, for diagnostics and tests.
    var stateName: String {
        monitor.withLock {
            switch state {
            case .notStarted: "notStarted"
            case .starting: "starting"
            case .ready: "ready"
            case .crashed: "crashed"
            case .backingOff: "backingOff"
            case .createFailed: "createFailed"
            case .disabled: "disabled"
            case .draining: "draining"
            case .stopped: "stopped"
            }
        }
    }

    /// Bytes on stdout so far, counting every byte the worker wrote before
    /// this was asked (e.g. during a call that has returned).
    var stdoutBytesNow: Int {
        monitor.withLock { lastStdout }?.sync()
        return stdoutBytes.value
    }

    /// The process id of the running worker, if any.
    var workerPID: pid_t? {
        monitor.withLock {
            if case .ready(let connection) = state { return connection.process.pid }
            return nil
        }
    }

    /// A ready worker for one call (pair with `release`), starting one if
    /// needed. Waits for a backoff that ends before `deadline`.
    func acquire(host: PluginHost, plugin: LoadedPlugin, tool: String, deadline: Int64) throws(CallError) -> WorkerConnection {
        monitor.lock()
        while true {
            switch state {
            case .ready(let connection):
                if let exit = connection.process.exitIfEnded() {
                    let disabled = recordFailure("\(exit) while idle")
                    host.pluginLogger.warning("worker of plugin \(pluginID) \(exit) while idle; it restarts on the next call",
                                              metadata: ["plugin": .string(pluginID)])
                    if let disabled { notifyDisabledUnlocked(host, disabled) }
                    continue
                }
                inFlight += 1
                monitor.unlock()
                return connection
            case .starting:
                if MonotonicClock.now() >= deadline {
                    monitor.unlock()
                    throw .workerUnavailable(tool: tool, plugin: pluginID, reason: "was still starting when the call's deadline passed.")
                }
                monitor.wait(until: deadline)
                continue
            case .notStarted, .crashed:
                break
            case .backingOff(let until, let last):
                let now = MonotonicClock.now()
                if now < until {
                    guard until <= deadline else {
                        monitor.unlock()
                        throw .workerUnavailable(tool: tool, plugin: pluginID, reason: String(
                            format: "failed %d times in a row (last: %@); it restarts in %.1f s.", consecutiveFailures, last,
                            Double(until - now) / 1e9))
                    }
                    monitor.wait(until: until)
                    continue
                }
            case .createFailed(let error):
                monitor.unlock()
                throw .pluginUnavailable(tool: tool, error)
            case .disabled(let reason):
                monitor.unlock()
                throw .pluginDisabled(tool: tool, plugin: pluginID, reason: reason)
            case .draining, .stopped:
                monitor.unlock()
                throw .workerUnavailable(tool: tool, plugin: pluginID, reason: "is stopped: the host is shutting down.")
            }
            try start(host: host, plugin: plugin, tool: tool)
        }
    }

    /// Starts a worker with the lock released; returns with it held, the
    /// state moved on (or throws with it released).
    private func start(host: PluginHost, plugin: LoadedPlugin, tool: String) throws(CallError) {
        state = .starting
        monitor.unlock()
        let outcome: WorkerConnection.StartOutcome
        do {
            let config = try PluginInstance.effectiveConfig(for: plugin).serializedBytes()
            outcome = WorkerConnection.start(
                path: path, pluginID: pluginID, config: config, policy: policy, logger: host.pluginLogger, stdoutBytes: stdoutBytes)
        } catch {
            outcome = .createFailed(error)
        }
        monitor.lock()
        defer { monitor.broadcast() }
        guard case .starting = state else {  // shut down meanwhile
            monitor.unlock()
            if case .ready(let connection) = outcome { connection.process.kill() }
            throw .workerUnavailable(tool: tool, plugin: pluginID, reason: "is stopped: the host is shutting down.")
        }
        switch outcome {
        case .ready(let connection):
            state = .ready(connection)
            lastStdout = connection.stdout
        case .createFailed(let error):
            state = .createFailed(error)
            monitor.unlock()
            throw .pluginUnavailable(tool: tool, error)
        case .failed(let phrase):
            let disabled = recordFailure(phrase)
            monitor.unlock()
            if let disabled { notifyDisabled(host, disabled) }
            throw .workerUnavailable(tool: tool, plugin: pluginID, reason: "\(phrase). The next call tries again.")
        }
    }

    /// How the idle worker ended, if it has (e.g. a thread the plugin
    /// started crashed after its call returned): recorded as a failure,
    /// exactly as the next call would find it. Nil while it runs.
    func reapIfEnded(host: PluginHost) -> WorkerExit? {
        monitor.lock()
        guard case .ready(let connection) = state, let exit = connection.process.exitIfEnded() else {
            monitor.unlock()
            return nil
        }
        let disabled = recordFailure("\(exit) while idle")
        monitor.broadcast()
        monitor.unlock()
        host.pluginLogger.warning("worker of plugin \(pluginID) \(exit) while idle; it restarts on the next call",
                                  metadata: ["plugin": .string(pluginID)])
        if let disabled { notifyDisabled(host, disabled) }
        return exit
    }

    /// Ends one call. `answered`: the worker answered it, so it is healthy.
    func release(_ connection: WorkerConnection, answered: Bool) {
        monitor.withLock {
            inFlight -= 1
            if answered { consecutiveFailures = 0 }
            monitor.broadcast()
        }
    }

    /// The worker of a call stopped answering (its pipe closed): collects
    /// how it ended and records the failure once for all its calls.
    func lost(_ connection: WorkerConnection, host: PluginHost, tool: String) -> WorkerExit {
        let reason = connection.mux.closeReason ?? "end of file"
        let exit = reason == "end of file" ? connection.process.waitForExit(within: 1) : connection.process.kill()
        failed(connection, host: host, phrase: "\(exit) during a call to \(tool)")
        return exit
    }

    /// Kills the worker of a call that overran its deadline or ignored a
    /// cancellation, and records the failure.
    func kill(_ connection: WorkerConnection, host: PluginHost, phrase: String) {
        connection.process.kill()
        failed(connection, host: host, phrase: phrase)
    }

    private func failed(_ connection: WorkerConnection, host: PluginHost, phrase: String) {
        let disabled: String? = monitor.withLock {
            guard case .ready(let current) = state, current === connection else { return nil }  // already recorded
            let disabled = recordFailure(phrase)
            monitor.broadcast()
            return disabled
        }
        host.pluginLogger.warning("worker of plugin \(pluginID) \(phrase)", metadata: ["plugin": .string(pluginID)])
        if let disabled { notifyDisabled(host, disabled) }
    }

    /// Counts a failure (lock held) and picks the next state; returns the
    /// reason when this failure disables the plugin.
    private func recordFailure(_ phrase: String) -> String? {
        let now = MonotonicClock.now()
        let window = Int64(policy.failureWindow * 1e9)
        failureTimes = failureTimes.filter { now - $0 < window } + [now]
        consecutiveFailures += 1
        if failureTimes.count >= policy.maxFailures {
            let reason = "its worker failed \(failureTimes.count) times within \(WorkerConnection.seconds(policy.failureWindow)) (last: \(phrase))"
            state = .disabled(reason)
            return reason
        }
        let delay = policy.backoff(afterConsecutiveFailures: consecutiveFailures)
        state = delay == 0 ? .crashed(phrase) : .backingOff(until: now + Int64(delay * 1e9), phrase)
        return nil
    }

    private func notifyDisabled(_ host: PluginHost, _ reason: String) {
        host.pluginLogger.error("plugin \(pluginID) disabled: \(reason)", metadata: ["plugin": .string(pluginID)])
        host.observer?.pluginDisabled(id: pluginID, reason: reason)
    }

    /// notifyDisabled from inside `acquire`'s locked loop.
    private func notifyDisabledUnlocked(_ host: PluginHost, _ reason: String) {
        monitor.unlock()
        notifyDisabled(host, reason)
        monitor.lock()
    }

    /// Stops the worker: no new calls; calls in flight get until `deadline`
    /// (monotonic ns) to finish; then the worker is asked to destroy its
    /// instance and exit, and is killed if it has not by the deadline.
    func shutdown(deadline: Int64) {
        monitor.lock()
        guard case .ready(let connection) = state else {
            if case .disabled = state {} else { state = .stopped }
            monitor.unlock()
            return
        }
        state = .draining
        while inFlight > 0 && MonotonicClock.now() < deadline { monitor.wait(until: deadline) }
        monitor.unlock()
        connection.mux.send(WorkerFrame.encode(.shutdown, id: 0))
        _ = connection.process.waitForExit(within: max(Double(deadline - MonotonicClock.now()) / 1e9, 0.05))
        monitor.withLock {
            state = .stopped
            monitor.broadcast()
        }
    }
}
