import Foundation
import KaiCore
import KaiJSON
import KaiRuntime
import Synchronization

/// Asks the person at the terminal whether a tool call may run: the tool,
/// its arguments (control characters visible, long values cut) and why the
/// policy asks, on /dev/tty — never stdout, which may be a pipe or a file —
/// then reads the answer there:
///
///     y  allow this call          a  allow every call of this tool for the rest of the run
///     n  deny (the model is told) q  deny and stop the run
///
/// Anything else asks again; end of input (Ctrl-D) denies; Ctrl-C ends the
/// run without a denial (asked again on --resume). What was typed before
/// the question is thrown away. Only offered
/// when stdin and /dev/tty are both a terminal: a run fed from a pipe or
/// started by a script has nobody to ask, and its calls that need approval
/// are denied (fail closed) unless --approve or --yes allows them.
///
/// `@unchecked Sendable`: the descriptor is set once and used only under
/// `lock`, which also keeps questions from parallel tool calls one at a time.
final class TerminalApprovalPrompter: ApprovalPrompter, @unchecked Sendable {
    static let choices = "[y] allow  [a] allow always (this run)  [n] deny  [q] deny and stop the run: "
    /// Longest argument value shown, in characters.
    static let valueCut = 200

    private let fd: Int32
    private let cancellation: CancellationToken
    private let lock = Mutex(())

    private init(fd: Int32, cancellation: CancellationToken) {
        self.fd = fd
        self.cancellation = cancellation
    }

    /// The terminal's prompter, or nil when there is no terminal to ask.
    static func open(cancellation: CancellationToken) -> TerminalApprovalPrompter? {
        guard isatty(0) == 1 else { return nil }
        let fd = Glibc.open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { return nil }
        guard isatty(fd) == 1 else {
            close(fd)
            return nil
        }
        return TerminalApprovalPrompter(fd: fd, cancellation: cancellation)
    }

    func ask(_ question: ApprovalQuestion) -> ApprovalAnswer {
        lock.withLock { _ in
            // Typeahead (a stray "y⏎" typed while the run worked) must not
            // answer a question it was never meant for.
            _ = tcflush(fd, TCIFLUSH)
            write(Self.question(question) + Self.choices)
            while true {
                // Ctrl-C while waiting: the run is stopping; this call does not
                // run, and nobody denied it. End of input (Ctrl-D) denies.
                guard let line = readLine() else { return cancellation.isCancelled ? .cancelled : .deny }
                if let answer = Self.answer(line) { return answer }
                write("please answer y, a, n or q: ")
            }
        }
    }

    /// What the person is shown before the choices.
    static func question(_ question: ApprovalQuestion) -> String {
        var text = "\nkai: approve this call of \(TerminalText.visible(question.tool))? (\(TerminalText.visible(question.reason)))\n"
        if let object = question.arguments.objectValue, !object.isEmpty {
            for (key, value) in object {
                text += "  \(RunStepLine.oneLine(key)): " + cut(value.stringValue ?? value.serialized()) + "\n"
            }
        } else if question.arguments.objectValue == nil {
            text += "  arguments: " + cut(question.arguments.serialized()) + "\n"
        }
        return text
    }

    static func answer(_ line: String) -> ApprovalAnswer? {
        switch line.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() {
        case "y", "yes": .allow
        case "a", "always": .allowAlways
        case "n", "no": .deny
        case "q", "quit", "stop": .stopRun
        default: nil
        }
    }

    private static func cut(_ text: String) -> String {
        let visible = RunStepLine.oneLine(text, cut: .max)
        guard visible.count > valueCut else { return visible }
        return String(visible.prefix(valueCut - 1)) + "… (\(text.count) characters)"
    }

    /// One line from the terminal; nil at end of input or once the run is cancelled.
    private func readLine() -> String? {
        var bytes: [UInt8] = []
        while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            // A quarter second at a time: Ctrl-C cancels the token, which has no descriptor to wait on here.
            let ready = poll(&poller, 1, 250)
            if cancellation.isCancelled { return nil }
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else {
                if ready < 0 { return nil }
                continue
            }
            var byte: UInt8 = 0
            let count = Glibc.read(fd, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }

    private func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 { if errno == EINTR { continue } else { return } }
            bytes = bytes.dropFirst(written)
        }
    }
}
