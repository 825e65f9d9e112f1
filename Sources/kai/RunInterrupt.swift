import Dispatch
import Foundation
import KaiCore

/// Ctrl-C during `kai run`: the first cancels the run's token — the model
/// call or tool in flight wakes through its cancel fd, the engine saves the
/// session as interrupted, and kai says how to resume it (exit 130); a
/// second ends kai at once (SIGINT's default action).
///
/// Installed before the runtime opens: libdispatch arms a signal source
/// asynchronously, and a SIGINT arriving before that would meet SIG_IGN and
/// be lost (see GenerationInterrupt).
///
/// `@unchecked Sendable`: the signal source is only kept alive and
/// cancelled, both thread-safe; the state is the token's.
final class RunInterrupt: @unchecked Sendable {
    private let source: DispatchSourceSignal

    /// `quiet`: no note on stderr (--json: the outcome line says it).
    init(_ token: CancellationToken, quiet: Bool) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            guard !token.isCancelled else {
                signal(SIGINT, SIG_DFL)
                raise(SIGINT)
                return
            }
            if !quiet { Console.note("\nkai: stopping the run (Ctrl-C again to quit at once)") }
            token.cancel()
        }
        source.resume()
    }

    /// The run is over: a late Ctrl-C (while kai records and exits) ends kai
    /// by SIGINT's default action.
    func end() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
