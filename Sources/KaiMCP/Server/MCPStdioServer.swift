import Dispatch
import Foundation
import Synchronization

/// `kai mcp serve` over stdio: newline-delimited JSON-RPC on the given
/// descriptors, read by threads blocking in read() (StdinReaders) — the
/// swift-sdk's StdioTransport polls a non-blocking stdin with 10 ms sleeps,
/// which would add ~5 ms to every round trip (and it sets O_NONBLOCK on a
/// descriptor the client shares).
///
/// Ends on EOF or SIGTERM: stops taking calls, drains those in flight
/// (MCPServeSettings.drainSeconds), and returns.
public enum MCPStdioServer {
    public enum Ending: Sendable, Equatable {
        case endOfInput, terminated
    }

    /// Serves until EOF or SIGTERM; returns why it stopped and how the drain
    /// ended. `draining` hears how many calls were in flight when it stopped.
    public static func serve(
        _ dispatcher: MCPDispatcher, input: Int32, output: Int32, draining: @Sendable (Int) -> Void = { _ in }
    ) -> (Ending, drained: MCPDispatcher.Drained) {
        let stopped = DispatchSemaphore(value: 0)
        let ending = EndingBox()
        // A client that closes its end mid-write must not end the server:
        // the write fails, and EOF on stdin ends it in order.
        signal(SIGPIPE, SIG_IGN)
        let terminate = TerminationSignals([SIGTERM]) { _ in
            ending.set(.terminated)
            stopped.signal()
        }
        let writer = LineWriter(fd: output)
        let session = MCPClientConnection()
        let tooLong = "Invalid Request: a message line is over \(StdinReaders.maxLine >> 20) MiB; it was skipped"
        let readers = StdinReaders(fd: input, handle: { line in
            dispatcher.handle(JSONRPC.decode(line), session: session, output: writer)
        }, oversized: {
            writer.respond(JSONRPC.error(id: .null, .invalidRequest, tooLong))
        }, ended: {
            ending.set(.endOfInput)
            stopped.signal()
        })
        stopped.wait()
        withExtendedLifetime(readers) {}
        dispatcher.inFlight.stopAccepting()
        draining(dispatcher.callsInFlight)
        let drained = dispatcher.drain()
        terminate.cancel()
        return (ending.value ?? .endOfInput, drained)
    }
}

/// The first reason the server stopped (EOF and SIGTERM may race).
private final class EndingBox: Sendable {
    private let state = Mutex<MCPStdioServer.Ending?>(nil)
    func set(_ ending: MCPStdioServer.Ending) { state.withLock { if $0 == nil { $0 = ending } } }
    var value: MCPStdioServer.Ending? { state.withLock { $0 } }
}
