import Foundation
import Glibc
import KaiCore
import Logging
import MCP

/// The MCP stdio transport over a child's pipes, for the swift-sdk's Client.
/// The sdk's own StdioTransport polls its non-blocking descriptor with 10 ms
/// sleeps (up to 10 ms per message); this one blocks in read() on a thread
/// of its own, so a message reaches the client as soon as it is written.
actor PipeTransport: Transport {
    nonisolated let logger = Logger(label: "kai.mcp.stdio", factory: { _ in SwiftLogNoOpLogHandler() })
    private let input: Int32
    private let output: Int32
    private nonisolated let stream: AsyncThrowingStream<Data, Swift.Error>
    private nonisolated let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private nonisolated let onClose: @Sendable () -> Void
    private var started = false

    /// `input`: the server's stdin (we write); `output`: its stdout (we
    /// read). Both stay owned by the process object. `onClose` runs once,
    /// on the reader thread, when the server's stdout ends.
    init(input: Int32, output: Int32, onClose: @escaping @Sendable () -> Void) {
        self.input = input
        self.output = output
        self.onClose = onClose
        (stream, continuation) = AsyncThrowingStream.makeStream()
    }

    func connect() async throws {
        guard !started else { return }
        started = true
        let fd = output
        let continuation = continuation
        let onClose = onClose
        let thread = Thread {
            Self.readLines(fd, into: continuation)
            onClose()
        }
        thread.name = "kai-mcp-reader"
        thread.start()
    }

    func disconnect() async {
        continuation.finish()
    }

    func send(_ data: Data) async throws {
        var bytes = [UInt8](data)
        bytes.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
            }
            offset += written
        }
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, Swift.Error> { stream }

    /// Blocking reads until end of file, one message per line.
    private static func readLines(_ fd: Int32, into continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var pending: [UInt8] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            pending.append(contentsOf: buffer[0..<count])
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                if newline > start { continuation.yield(Data(pending[start..<newline])) }
                start = newline + 1
            }
            pending.removeFirst(start)
        }
        continuation.finish()
    }
}
