import Foundation
import KaiJSON

/// Writing to the terminal. stderr goes through fd 2 directly: the `stderr`
/// global is not concurrency-safe in Swift 6.
enum Console {
    static func out(_ text: String) {
        write(1, text + "\n")
    }

    static func error(_ text: String) {
        write(2, "kai: error: " + text + "\n")
    }

    /// Text as is (no newline), e.g. a progress bar redrawn with \r.
    static func raw(_ fd: Int32, _ text: String) {
        write(fd, text)
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

    static var stdoutIsTerminal: Bool { isatty(1) == 1 }

    private static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
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
