import Dispatch
import Foundation
import KaiCore
import Synchronization

/// Makes an in-process call's deadline and Ctrl-C hard, whatever the plugin
/// does. The deadline and the first Ctrl-C are cooperative (the plugin sees
/// is_cancelled() turn true); a plugin that ignores them runs on kai's own
/// thread and cannot be stopped, so if the call has not returned `grace`
/// seconds later — or on a second Ctrl-C — a thread of this watchdog says
/// which plugin and tool hung, records the call, and ends kai with _exit:
/// 124 past the deadline, 130 after Ctrl-C. If the call returns while the
/// watchdog is firing, the watchdog has already won (CallRace): the main
/// thread prints nothing and parks until the _exit.
///
/// `@unchecked Sendable`: the mutable state is in `state` (a Mutex); the
/// semaphore and the immutable fields are thread-safe.
final class CallWatchdog: @unchecked Sendable {
    enum Reason { case deadline, cancelled, interruptedTwice }

    /// Seconds a call may run past its deadline or first Ctrl-C before kai
    /// gives up on it; kai exits within the 2 s the CLI promises.
    static let grace = 1.4  // + record (0.3 s) + stdout drain (0.2 s): 1.9 s, within the 2 s promised
    /// How long the watchdog may spend recording the call before it exits
    /// anyway (the database may be locked).
    static let recordBudget = 0.3

    private struct State {
        /// Whether the call returned or the watchdog fired: decided once.
        var race = CallRace()
        /// MonotonicClock time at which the watchdog fires, and why.
        var wake: (at: Int64, reason: Reason)?
    }

    let plugin: String
    let tool: String
    /// What the messages call the capability: "tool", or "provider" for kai prompt/chat.
    let noun: String
    let timeout: Double?
    private let record: @Sendable (Reason) -> Void
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)

    /// The watchdog of the call in flight (kai makes one top-level call per
    /// process), for CallRecordGate.
    static var current: CallWatchdog? { running.withLock { $0 } }
    private static let running = Mutex<CallWatchdog?>(nil)

    /// `record` writes the call's outcome (e.g. to the registry) and must not
    /// block for long; the watchdog waits at most `recordBudget` for it.
    init(plugin: String, tool: String, noun: String = "tool", timeout: Double?, record: @escaping @Sendable (Reason) -> Void) {
        self.plugin = plugin
        self.tool = tool
        self.noun = noun
        self.timeout = timeout
        self.record = record
        if let timeout {
            let at = MonotonicClock.deadline(after: timeout + Self.grace)
            state.withLock { $0.wake = (at, .deadline) }
        }
        Self.running.withLock { $0 = self }
        let thread = Thread { [self] in watch() }
        thread.name = "kai-call-watchdog"
        thread.start()
    }

    /// The call returned. True: the watchdog stands down and the caller
    /// goes on. False: the watchdog already fired and is ending kai — the
    /// caller must print and record nothing (see `park`).
    /// Idempotent: the host's recording (CallRecordGate) and the caller
    /// both ask.
    @discardableResult
    func finished() -> Bool {
        let won = state.withLock { $0.race.callReturned() }
        wakeUp.signal()
        return won
    }

    /// Waits for the watchdog's _exit, on a thread whose call lost the race.
    static func park() -> Never {
        while true { pause() }
    }

    /// A Ctrl-C arrived: the first starts the grace, the second fires now.
    /// Returns true for the first (the caller cancels the call).
    @discardableResult
    func interrupted() -> Bool {
        let count = state.withLock { state -> Int in
            // nil: the call already returned (kai is on its way out) or the watchdog fired
            guard let count = state.race.interrupted() else { return 0 }
            if count == 1 {
                let at = MonotonicClock.deadline(after: Self.grace)
                if state.wake == nil || at < state.wake!.at { state.wake = (at, .cancelled) }
            }
            return count
        }
        if count == 0 { return true }
        if count == 1 {
            wakeUp.signal()
            Console.note("kai: cancelling \(noun) \"\(tool)\"; press Ctrl-C again to stop kai at once.")
            return true
        }
        fire(.interruptedTwice)
        return false
    }

    private func watch() {
        while true {
            let (decided, wake) = state.withLock { ($0.race.winner != nil, $0.wake) }
            if decided { return }
            guard let wake else {
                wakeUp.wait()
                continue
            }
            let left = wake.at - MonotonicClock.now()
            if left <= 0 {
                fire(wake.reason)
                return
            }
            _ = wakeUp.wait(timeout: .now() + .nanoseconds(Int(clamping: left)))
        }
    }

    private func fire(_ reason: Reason) {
        guard state.withLock({ $0.race.watchdogFires() }) else { return }
        let recorded = DispatchSemaphore(value: 0)
        Thread { [record] in
            record(reason)
            recorded.signal()
        }.start()
        let inTime = recorded.wait(timeout: .now() + Self.recordBudget) == .success
        PluginStdout.drainNow()
        Console.error(message(reason, recorded: inTime))
        _exit(reason == .deadline ? ExitCodes.deadline : ExitCodes.cancelled)
    }

    func message(_ reason: Reason, recorded: Bool = true) -> String {
        let what = switch reason {
        case .deadline:
            "passed its deadline of \(Self.seconds(timeout ?? 0)) and did not return within \(Self.seconds(Self.grace)) after it"
        case .cancelled:
            "was cancelled (Ctrl-C) and did not return within \(Self.seconds(Self.grace))"
        case .interruptedTwice:
            "was interrupted twice (Ctrl-C) and had not returned"
        }
        return "\(noun) \"\(tool)\" of plugin \(plugin) \(what): the plugin ignores cancellation. kai exited without waiting for it. "
            + "Run the plugin with isolation: process so that kai can stop it."
            + (recorded ? "" : " The call's record could not be written to the registry within \(Self.seconds(Self.recordBudget)) and is lost.")
    }

    private static func seconds(_ value: Double) -> String {
        String(format: "%.3f s", value)
    }
}

extension CallWatchdog {
    /// The runtime's hold before it records a finished call: if this
    /// call's watchdog already gave up on it, the watchdog is recording it
    /// as killed and ending kai, so the late "ok" must not be recorded too —
    /// the thread parks until the watchdog's _exit. Only the top-level call
    /// has a watchdog; nested calls run inside it.
    static let holdLateRecord: @Sendable (CallReport) -> Void = { report in
        if report.depth == 0, let watchdog = CallWatchdog.current, !watchdog.finished() { CallWatchdog.park() }
    }
}
