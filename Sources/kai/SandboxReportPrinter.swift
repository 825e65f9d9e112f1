import Glibc
import KaiCore
import KaiSandbox

/// Prints `kai sandbox run`'s reports, reading the program's output from
/// each report file in chunks: kai never holds a copy of it, so its memory
/// does not grow with `--output-limit`.
///
/// Text for people shows the program's output with its control characters
/// made visible (`TerminalText`): the program must not be able to retitle,
/// clear or write the clipboard of the user's terminal. `raw` keeps its
/// bytes exactly, for a user who asks for them. JSON keeps every value (C1
/// controls become `\u0080`…`\u009f` escapes).
enum SandboxReportPrinter {
    static func text(_ file: SandboxReportFile, raw: Bool) throws(SandboxError) {
        Console.out(SandboxReportText.verdict(file.report))
        let report = file.report
        for (stream, truncated) in [(SandboxReportFile.Stream.stdout, report.stdoutTruncated), (.stderr, report.stderrTruncated)]
        where file.hasOutput(stream) {
            Console.out("\(stream.rawValue)\(truncated ? " (truncated)" : ""):")
            var escaper = TerminalText.ByteStream()
            try file.output(stream) { chunk in
                raw ? writeBytes(chunk) : Console.raw(1, String(decoding: escaper.escape(chunk), as: UTF8.self))
            }
            if !raw { Console.raw(1, String(decoding: escaper.finish(), as: UTF8.self)) }
            Console.raw(1, "\n")
        }
    }

    /// One report as the launcher wrote it; several (compile steps, then
    /// the run) as `{"steps": [...]}`.
    static func json(_ files: [SandboxReportFile]) throws(SandboxError) {
        if files.count > 1 { Console.raw(1, "{\"steps\": [\n") }
        for (index, file) in files.enumerated() {
            if index > 0 { Console.raw(1, ",\n") }
            var carry: [UInt8] = []
            try file.json { chunk in
                let bytes = carry + Array(chunk)
                // A chunk ending in the first byte of a C1 sequence waits for the next.
                let keep = bytes.last == 0xc2 ? 1 : 0
                carry = Array(bytes.suffix(keep))
                Console.raw(1, String(decoding: visibleC1(bytes.dropLast(keep)), as: UTF8.self))
            }
            if !carry.isEmpty { Console.raw(1, String(decoding: carry, as: UTF8.self)) }
        }
        if files.count > 1 { Console.raw(1, "]}\n") }
    }

    /// JSON text with DEL and each C1 control (UTF-8 C2 80–C2 9F), legal
    /// raw only inside a string, written as a `\u00NN` escape.
    private static func visibleC1(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x7f {
                output.append(contentsOf: "\\u007f".utf8)
                index += 1
            } else if byte == 0xc2, index + 1 < bytes.endIndex, (0x80...0x9f).contains(bytes[index + 1]) {
                output.append(contentsOf: "\\u00\(String(bytes[index + 1], radix: 16))".utf8)  // 80-9f: two digits
                index += 2
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    /// The program's bytes as they are (`--raw`): not through Console,
    /// whose text is always valid UTF-8.
    private static func writeBytes(_ bytes: [UInt8]) {
        Console.outBytes(bytes)
    }
}
