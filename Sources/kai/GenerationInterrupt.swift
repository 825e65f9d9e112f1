import Dispatch
import Foundation
import KaiCore

/// Ctrl-C during `kai eval --generate`: the first cancels the calls in
/// flight (their samples are not written) and starts no new one, so kai
/// records its calls and exits 130 with every finished sample in the file;
/// a second ends kai at once (SIGINT's default action).
///
/// `@unchecked Sendable`: the signal source is only kept alive and
/// cancelled, both thread-safe; the state is the token's.
final class GenerationInterrupt: @unchecked Sendable {
    private let source: DispatchSourceSignal

    init(_ token: CancellationToken) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            guard !token.isCancelled else {
                signal(SIGINT, SIG_DFL)
                raise(SIGINT)
                return
            }
            Console.note("\nkai eval: stopping: finishing the samples file (Ctrl-C again to quit at once)")
            token.cancel()
        }
        source.resume()
    }

    /// Back to SIGINT's default, for the evaluation that follows.
    func end() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
