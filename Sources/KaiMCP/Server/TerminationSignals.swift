import Dispatch
import Foundation

/// SIGTERM (and the like) for a server whose calls block threads: the
/// handler runs on a serial queue of its own, never on the global queues
/// tool calls could occupy, so the signal is acted on at once however many
/// calls are running.
final class TerminationSignals: @unchecked Sendable {  // sources: set once in init, cancel is thread-safe
    private let sources: [any DispatchSourceSignal]

    init(_ numbers: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "kai.mcp.signals", qos: .userInteractive)
        sources = numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}

/// Runs each tool call on a thread of its own (a call blocks for as long as
/// its tool runs; InFlightCalls caps how many run at once).
enum CallThread {
    static func start(_ work: @escaping @Sendable () -> Void) {
        let thread = Thread(block: work)
        thread.name = "kai-mcp-call"
        thread.start()
    }
}
