import Dispatch
import Foundation
import KaiCore
import KaiRegistry
import KaiRuntime
import Synchronization

/// One provider call of `kai prompt` or a turn of `kai chat`: its text
/// printed as it arrives (control characters made visible), and Ctrl-C
/// stopping it at once — the call's token is cancelled, which wakes a
/// provider blocked on its server or in inference through the cancel fd, and
/// every later delta is answered STOP, so the provider writes what it has
/// with finish "stopped". Either way the call, with what it used, is in the
/// call log.
final class ProviderTurn: Sendable {
    let token = CancellationToken()
    private let interrupted = Atomic<Bool>(false)
    private let printed = Atomic<Bool>(false)
    /// The usage the provider last streamed (streaming calls only), for the watchdog's record.
    let streamedUsage = Mutex<ProviderUsage?>(nil)
    /// Guards a call to an in-process provider, which runs on kai's own
    /// thread: only the watchdog can end one that ignores Ctrl-C.
    private let watchdog = Mutex<CallWatchdog?>(nil)

    /// True once Ctrl-C stopped this turn.
    var wasInterrupted: Bool { interrupted.load(ordering: .acquiring) }

    /// True once a text delta was printed: the line needs ending, whatever
    /// happens next.
    var printedText: Bool { printed.load(ordering: .acquiring) }

    /// A Ctrl-C on this turn. Marks the turn before cancelling, so that
    /// whoever sees the call end because of it also sees why. An in-process
    /// call's Ctrl-Cs go to its watchdog (a second one, or the grace running
    /// out, ends kai with 130 and a message). Returns false for a second
    /// Ctrl-C on a turn no watchdog guards: kai must end by SIGINT.
    func interrupt() -> Bool {
        if let watchdog = watchdog.withLock({ $0 }) {
            interrupted.store(true, ordering: .releasing)
            if watchdog.interrupted() { token.cancel() }
            return true
        }
        if wasInterrupted { return false }
        interrupted.store(true, ordering: .releasing)
        token.cancel()
        return true
    }

    /// Asks the router for an answer to `request`; with `stream`, prints
    /// each text delta as it arrives. A fallback hop is announced on stderr
    /// ("kai: openai/a failed (unavailable); trying local", or "skipped
    /// (circuit open)"); a failed target that had printed part of its answer
    /// gets a marker line on stdout after it (stoppedMarker).
    func run(_ runtime: KaiRuntime, route: RouteRequest, request: [UInt8], stream: Bool, timeout: Double?) -> Result<RoutedResult, RouteFailure> {
        let print: ToolEventHandler = { [self] event in
            // Decided before printing: a Ctrl-C prompted by this delta stops the next one.
            let reply: EventReply = wasInterrupted ? .stop : .continue
            switch event {
            case .textDelta(let text):
                Console.raw(1, TerminalText.visible(text))
                printed.store(true, ordering: .releasing)
            case .usage(let input, let output, let cost):
                streamedUsage.withLock {
                    $0 = ProviderUsage(inputTokens: Int(clamping: input), outputTokens: Int(clamping: output), costUSD: cost)
                }
            default: break
            }
            return reply
        }
        let host = runtime.host, store = runtime.store
        let options = CallOptions(timeout: timeout, cancellation: token, onEvent: stream ? print : nil, taskType: route.taskType)
        let onFallback: @Sendable (RouteHop, String) -> Void = { [self] hop, next in
            if printed.exchange(false, ordering: .acquiringAndReleasing) {
                // The failed target's partial answer stays on stdout: say where it
                // stops, there, so a reader of stdout alone is not misled.
                Console.raw(1, "\n" + Self.stoppedMarker(hop, next: next) + "\n")
            }
            let what = hop.errorKind == RouteHop.circuitOpen ? "skipped" : "failed"
            Console.note("kai: \(TerminalText.visible(hop.target)) \(what) (\(hop.label)); trying \(TerminalText.visible(next))")
        }
        // SIGINT is not blocked on this thread: libdispatch's threads block
        // every signal, so blocking it here too would leave Ctrl-C pending
        // for good. A plugin's wait may end with EINTR; kai_provider.h says
        // to wait again.
        do throws(RouteFailure) {
            return .success(try runtime.router.call(request: request, route: route, options: options, onFallback: onFallback) { [self] target, options in
                let guarded = guardInProcess(host, target, request: request, store: store, options: options)
                defer {
                    // Lost the race: the watchdog is reporting the call and ending kai.
                    if guarded?.finished() == false { CallWatchdog.park() }
                    // A finished attempt's watchdog guards nothing: a fallback to a
                    // worker must see a second Ctrl-C end kai by SIGINT.
                    if guarded != nil { watchdog.withLock { $0 = nil } }
                }
                do throws(CallError) {
                    return .success(try host.callProvider(target, request: request, options: options))
                } catch {
                    return .failure(error)
                }
            })
        } catch {
            return .failure(error)
        }
    }

    /// The stdout line between a failed target's partial answer and the fallback's:
    /// "[kai: openai/a stopped mid-answer (unavailable); the answer from local follows]".
    static func stoppedMarker(_ hop: RouteHop, next: String) -> String {
        "[kai: \(TerminalText.visible(hop.target)) stopped mid-answer (\(hop.label)); the answer from \(TerminalText.visible(next)) follows]"
    }

    /// Starts the watchdog of a call to an in-process provider; nil for a
    /// worker (its supervisor kills it) or a name the host will refuse.
    private func guardInProcess(_ host: PluginHost, _ name: String, request: [UInt8], store: RegistryStore, options: CallOptions) -> CallWatchdog? {
        let provider = name.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let entry = try? host.providerIndex.resolve(String(provider[0])),
              entry.plugin.settings.isolation == .inprocess else { return nil }
        let model = provider.count > 1 && !provider[1].isEmpty ? String(provider[1]) : nil
        let startedAt = WallClock.now(), started = MonotonicClock.now()
        let guarded = CallWatchdog(plugin: entry.plugin.id, tool: entry.qualifiedName, noun: "provider", timeout: options.timeout) { [weak self] reason in
            store.callFinished(CallReport(
                tool: entry.qualifiedName, plugin: entry.plugin.id, capabilityKind: entry.capability.kind,
                startedAt: startedAt, durationNanoseconds: MonotonicClock.now() - started,
                code: reason == .deadline ? .deadlineExceeded : .cancelled,
                errorKind: reason == .deadline ? .deadlineKilled : .cancelKilled, taskType: options.taskType,
                arguments: request, result: [], depth: 0,
                model: model, usage: self?.streamedUsage.withLock { $0 } ?? nil, routeHops: options.routeHops))
            store.flush()
        }
        watchdog.withLock { $0 = guarded }
        // A Ctrl-C that came before the watchdog did starts its grace now.
        if wasInterrupted { guarded.interrupted() }
        return guarded
    }
}

/// Routes Ctrl-C to the turn in flight. With none in flight (kai chat waiting
/// for a line, or still loading plugins), `idle` runs (it records the calls
/// made so far) and kai ends with 130. A second Ctrl-C on a turn that did not
/// stop ends kai: through the turn's watchdog (130 and a message) for an
/// in-process provider, else by SIGINT's default action.
///
/// `@unchecked Sendable`: the mutable state is in `current` (a Mutex); the
/// signal source is only held to keep it alive, and is thread-safe.
final class ProviderInterrupts: @unchecked Sendable {
    private let current = Mutex<ProviderTurn?>(nil)
    private let source: DispatchSourceSignal

    init(idle: @escaping @Sendable () -> Void = {}) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        // Holds self until kai exits: Ctrl-C is routed for the whole command.
        source.setEventHandler { [self] in
            guard let turn = current.withLock({ $0 }) else {
                Console.raw(1, "\n")
                idle()
                PluginExitGuard.kaiExits()
                exit(ExitCodes.cancelled)
            }
            if !turn.interrupt() {
                signal(SIGINT, SIG_DFL)
                raise(SIGINT)
            }
        }
        source.resume()
    }

    /// Runs `body` with `turn` as the one Ctrl-C stops.
    func during<T>(_ turn: ProviderTurn, _ body: () -> T) -> T {
        current.withLock { $0 = turn }
        defer { current.withLock { $0 = nil } }
        return body()
    }
}
