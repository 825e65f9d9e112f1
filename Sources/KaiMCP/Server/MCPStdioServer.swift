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

    /// Serves until EOF or SIGTERM; returns why it stopped and how many
    /// calls were still running when it gave up on them.
    public static func serve(_ dispatcher: MCPDispatcher, input: Int32, output: Int32) -> (Ending, unfinished: Int) {
        let stopped = DispatchSemaphore(value: 0)
        let ending = EndingBox()
        // A client that closes its end mid-write must not end the server:
        // the write fails, and EOF on stdin ends it in order.
        signal(SIGPIPE, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let terminate = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        terminate.setEventHandler {
            ending.set(.terminated)
            stopped.signal()
        }
        terminate.resume()
        let writer = LineWriter(fd: output)
        let session = MCPSession()
        let readers = StdinReaders(fd: input, handle: { line in
            dispatcher.handle(JSONRPC.decode(line), session: session, output: writer)
        }, ended: {
            ending.set(.endOfInput)
            stopped.signal()
        })
        stopped.wait()
        withExtendedLifetime(readers) {}
        let unfinished = dispatcher.drain()
        terminate.cancel()
        return (ending.value ?? .endOfInput, unfinished)
    }
}

/// The first reason the server stopped (EOF and SIGTERM may race).
private final class EndingBox: Sendable {
    private let state = Mutex<MCPStdioServer.Ending?>(nil)
    func set(_ ending: MCPStdioServer.Ending) { state.withLock { if $0 == nil { $0 = ending } } }
    var value: MCPStdioServer.Ending? { state.withLock { $0 } }
}
