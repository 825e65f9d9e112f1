import Dispatch
import Foundation
import Synchronization

/// `kai mcp serve` over stdio: newline-delimited JSON-RPC on the given
/// descriptors. A thread blocks in read() — the swift-sdk's StdioTransport
/// polls a non-blocking stdin with 10 ms sleeps, which would add ~5 ms to
/// every round trip (and it sets O_NONBLOCK on a descriptor the client
/// shares) — and hands each line to the dispatcher.
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
        signal(SIGTERM, SIG_IGN)
        let terminate = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        terminate.setEventHandler {
            ending.set(.terminated)
            stopped.signal()
        }
        terminate.resume()
        let writer = LineWriter(fd: output)
        let session = MCPSession()
        let reader = Thread {
            readLines(input) { line in
                dispatcher.handle(JSONRPC.decode(line), session: session, output: writer)
            }
            ending.set(.endOfInput)
            stopped.signal()
        }
        reader.name = "kai-mcp-stdin"
        reader.start()
        stopped.wait()
        let unfinished = dispatcher.drain()
        terminate.cancel()
        return (ending.value ?? .endOfInput, unfinished)
    }

    /// Calls `handle` with each non-empty line until EOF or a read error.
    static func readLines(_ fd: Int32, _ handle: ([UInt8]) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var pending: [UInt8] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            var start = 0
            buffer.withUnsafeBufferPointer { bytes in
                for index in 0..<count where bytes[index] == UInt8(ascii: "\n") {
                    pending.append(contentsOf: bytes[start..<index])
                    if !pending.isEmpty { handle(pending) }
                    pending.removeAll(keepingCapacity: true)
                    start = index + 1
                }
                pending.append(contentsOf: bytes[start..<count])
            }
        }
        if !pending.isEmpty { handle(pending) }
    }
}

/// The first reason the server stopped (EOF and SIGTERM may race).
private final class EndingBox: Sendable {
    private let state = Mutex<MCPStdioServer.Ending?>(nil)
    func set(_ ending: MCPStdioServer.Ending) { state.withLock { if $0 == nil { $0 = ending } } }
    var value: MCPStdioServer.Ending? { state.withLock { $0 } }
}
