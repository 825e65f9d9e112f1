import Foundation
import Glibc
import KaiJSON
import Synchronization

/// Newline-delimited JSON-RPC over a stdio server's pipes: one thread
/// blocks in read() on its stdout and hands each line on as it arrives
/// (the swift-sdk's StdioTransport polls a non-blocking descriptor with
/// 10 ms sleeps instead); writes go straight to its stdin.
final class StdioChannel: MCPChannel {
    private let server: MCPServerProcess
    private let writeLock = Mutex<Bool>(false)  // true once closed

    init(server: MCPServerProcess, events: MCPChannelEvents) {
        self.server = server
        let fd = server.stdout
        let thread = Thread {
            Self.readLines(fd, events: events)
            events.closed()
        }
        thread.name = "kai-mcp-reader"
        thread.start()
    }

    func send(_ message: JSONValue, requestID: Int64?) {
        var bytes = message.serializedBytes()
        bytes.append(UInt8(ascii: "\n"))
        let failed: Bool = writeLock.withLock { closed in
            if closed { return true }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(server.stdin, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    return true  // EPIPE: the server is gone; its reader reports that
                }
                offset += written
            }
            return false
        }
        _ = failed
    }

    /// Closes the server's stdin: a stdio server exits on end of file.
    func close() {
        writeLock.withLock { closed in
            guard !closed else { return }
            closed = true
            server.process.closePipe(0)
        }
    }

    private static func readLines(_ fd: Int32, events: MCPChannelEvents) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var pending: [UInt8] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            pending.append(contentsOf: buffer[0..<count])
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                if newline > start, let message = try? JSONParser.parse(Array(pending[start..<newline])) {
                    events.message(message)
                }
                start = newline + 1
            }
            pending.removeFirst(start)
        }
    }
}
