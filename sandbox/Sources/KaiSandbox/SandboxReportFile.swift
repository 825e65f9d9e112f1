#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A launcher report kept in a file (`Sandbox.runStreamed`): the small
/// fields decoded into `report`, the program's output read from the file in
/// chunks only when asked for. So a caller holds no copy of the output,
/// however large the output limit.
///
/// Not thread-safe; owns its file descriptor. `@unchecked Sendable` so it
/// can be handed to another thread; only its holder uses it.
public final class SandboxReportFile: @unchecked Sendable {
    /// The report with `stdout`, `stderr` and their `_base64` fields empty
    /// (`stdoutBase64`/`stderrBase64` are "" when the file has them, else
    /// nil); read those with `output(_:into:)`. `rawJSON` is empty too.
    public let report: SandboxReport
    private let fd: Int32
    private let size: Int
    /// Where each big string's content lies in the file, by field name.
    private let ranges: [String: Range<Int>]

    static let chunkSize = 1 << 16

    init(fd: Int32) throws(SandboxError) {
        self.fd = fd
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .system(call: "fstat", errno: errno) }
        size = Int(info.st_size)
        var scanner = ReportScanner(bigFields: ["stdout", "stderr", "stdout_base64", "stderr_base64"])
        try Self.chunks(fd: fd, range: 0..<size) { scanner.feed($0) }
        ranges = scanner.ranges
        var small = try SandboxReport.decode(scanner.small)
        small.rawJSON = ""
        report = small
    }

    deinit { close(fd) }

    public enum Stream: String, Sendable { case stdout, stderr }

    /// Whether the program wrote anything on `stream`.
    public func hasOutput(_ stream: Stream) -> Bool {
        [stream.rawValue, stream.rawValue + "_base64"].contains { !(ranges[$0]?.isEmpty ?? true) }
    }

    /// Hands the stream's exact bytes to `sink` in chunks: from the base64
    /// field when the output was not valid UTF-8, else from the text field.
    public func output(_ stream: Stream, into sink: ([UInt8]) -> Void) throws(SandboxError) {
        if let range = ranges[stream.rawValue + "_base64"] {
            var decoder = Base64Stream()
            try Self.chunks(fd: fd, range: range) { sink(decoder.decode($0)) }
        } else if let range = ranges[stream.rawValue] {
            var decoder = JSONStringStream()
            try Self.chunks(fd: fd, range: range) { sink(decoder.decode($0)) }
        }
    }

    /// Hands the report's JSON text, exactly as the launcher wrote it, to
    /// `sink` in chunks.
    public func json(into sink: (UnsafeRawBufferPointer) -> Void) throws(SandboxError) {
        try Self.chunks(fd: fd, range: 0..<size, sink)
    }

    /// Reads `range` of the file in chunks (pread: the offset the launcher
    /// left does not matter).
    static func chunks(fd: Int32, range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> Void) throws(SandboxError) {
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var offset = range.lowerBound
        while offset < range.upperBound {
            let want = min(chunkSize, range.upperBound - offset)
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(offset)) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw .system(call: "pread of the report file", errno: errno) }
            guard count > 0 else { throw .system(call: "pread of the report file (it shrank)", errno: 0) }
            buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            offset += count
        }
    }
}
