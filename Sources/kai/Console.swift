import Foundation
import KaiJSON

/// Writing to the terminal. stderr goes through fd 2 directly: the `stderr`
/// global is not concurrency-safe in Swift 6.
///
/// kai's stdout carries only kai's output (a tool's result JSON, listings).
/// In-process plugins share the process, and printf() from one — or from a
/// thread it left running — would land in that output, so before any plugin
/// loads, `claimStdout()` moves kai's stdout to a private descriptor and
/// points fd 1 at a pipe whose lines are logged, scrubbed and made visible
/// (PluginStdout).
enum Console {
    /// Where `out` writes: fd 1 until `claimStdout()`, then a private dup.
    nonisolated(unsafe) private static var stdoutFD: Int32 = 1  // set once, on the main thread, before plugins run

    /// The descriptor of kai's own stdout (a private dup once claimed).
    static var stdoutDescriptor: Int32 { stdoutFD }

    static func out(_ text: String) {
        write(stdoutFD, text + "\n")
    }

    /// Keeps kai's stdout for kai: dups fd 1 to a close-on-exec descriptor
    /// (so no child inherits it) that `out` writes to, then points fd 1 at
    /// PluginStdout's pipe. Idempotent; if fd 1 is not open, nothing changes.
    static func claimStdout() {
        guard stdoutFD == 1 else { return }
        fflush(nil)  // all streams: `stdout` itself is not concurrency-safe in Swift 6
        let privateFD = fcntl(1, F_DUPFD_CLOEXEC, 3)
        guard privateFD >= 0 else { return }
        guard let pipe = PluginStdout.start() else {
            close(privateFD)
            return
        }
        defer { close(pipe) }
        guard dup2(pipe, 1) >= 0 else {
            close(privateFD)
            return
        }
        stdoutFD = privateFD
    }

    static func error(_ text: String) {
        write(2, "kai: error: " + text + "\n")
    }

    /// Text as is (no newline), e.g. a progress bar redrawn with \r.
    static func raw(_ fd: Int32, _ text: String) {
        write(fd == 1 ? stdoutFD : fd, text)
    }

    /// A plain line on stderr (progress and other side information).
    static func note(_ text: String) {
        write(2, text + "\n")
    }

    static func warning(_ text: String) {
        write(2, "kai: warning: " + text + "\n")
    }

    static func json(_ value: JSONValue) {
        out(value.serialized(pretty: true))
    }

    static var stdoutIsTerminal: Bool { isatty(stdoutFD) == 1 }

    /// Bytes to kai's stdout exactly as given (`kai sandbox run --raw`).
    static func outBytes(_ bytes: [UInt8]) {
        write(stdoutFD, bytes)
    }

    private static func write(_ fd: Int32, _ text: String) {
        write(fd, Array(text.utf8))
    }

    private static func write(_ fd: Int32, _ all: [UInt8]) {
        var bytes = all[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 { if errno == EINTR { continue } else { return } }
            bytes = bytes.dropFirst(written)
        }
    }
}

/// Left-aligned columns for listings.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    func render() -> String {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        return ([header] + rows).map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
