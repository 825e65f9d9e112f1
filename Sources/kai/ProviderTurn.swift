import Dispatch
import Foundation
import KaiCore
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

    /// True once Ctrl-C stopped this turn.
    var wasInterrupted: Bool { interrupted.load(ordering: .acquiring) }

    /// True once a text delta was printed: the line needs ending, whatever
    /// happens next.
    var printedText: Bool { printed.load(ordering: .acquiring) }

    /// Marks the turn before cancelling, so that whoever sees the call end
    /// because of it also sees why.
    func interrupt() {
        interrupted.store(true, ordering: .releasing)
        token.cancel()
    }

    /// Calls the provider `name` ("provider/model"); with `stream`, prints
    /// each text delta as it arrives.
    func run(_ host: PluginHost, _ name: String, request: [UInt8], stream: Bool) -> Result<ProviderResult, CallError> {
        let print: ToolEventHandler = { [self] event in
            // Decided before printing: a Ctrl-C prompted by this delta stops the next one.
            let reply: EventReply = wasInterrupted ? .stop : .continue
            if case .textDelta(let text) = event {
                Console.raw(1, TerminalText.visible(text))
                printed.store(true, ordering: .releasing)
            }
            return reply
        }
        let options = CallOptions(cancellation: token, onEvent: stream ? print : nil)
        do throws(CallError) {
            return .success(try host.callProvider(name, request: request, options: options))
        } catch {
            return .failure(error)
        }
    }
}

/// Routes Ctrl-C to the turn in flight. With none in flight (kai chat waiting
/// for a line, or still loading plugins), `idle` runs (it records the calls
/// made so far) and kai ends with 130. A second Ctrl-C on a turn that did not
/// stop ends kai by SIGINT's default action.
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
            if turn.wasInterrupted {
                signal(SIGINT, SIG_DFL)
                raise(SIGINT)
            }
            turn.interrupt()
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
