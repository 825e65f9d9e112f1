import Foundation
import Synchronization

/// Writes whole lines to a descriptor, one writer at a time, so messages
/// from concurrent calls never interleave. A write that fails (the client
/// went away) is dropped: the server notices the EOF on its input.
final class LineWriter: MCPOutput {
    private let fd: Int32
    private let lock = Mutex(())

    init(fd: Int32) {
        self.fd = fd
    }

    func notify(_ message: [UInt8]) { write(message) }
    func respond(_ message: [UInt8]) { write(message) }
    func dropped() {}

    private func write(_ message: [UInt8]) {
        var line = message
        line.append(UInt8(ascii: "\n"))
        lock.withLock { _ in
            line.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }
}
