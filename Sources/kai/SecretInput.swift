import Dispatch
import Foundation

/// Reads one secret line from stdin: without echo on a terminal (the echo
/// comes back even if Ctrl-C ends kai mid-line), and from a pipe as the
/// whole input with its trailing newline stripped.
enum SecretInput {
    enum Failure: Error {
        case empty
        case severalLines
        case unreadable(String)

        func message(name: String) -> String {
            switch self {
            case .empty:
                "no key read from stdin for \(name): the value is empty. Type it at the prompt, or pipe it in: printf '%s' \"$KEY\" | kai keys set \(name)"
            case .severalLines:
                "the key read from stdin for \(name) has more than one line. Give the key alone, on one line."
            case .unreadable(let reason):
                "cannot read the key for \(name) from stdin: \(reason)."
            }
        }
    }

    static func readLine(prompt: String) throws(Failure) -> String {
        let bytes = isatty(0) == 1 ? try readFromTerminal(prompt: prompt) : try readAll()
        var text = String(decoding: bytes, as: UTF8.self)
        // "\r\n" is one Character in Swift: one removeLast takes both.
        if let last = text.last, last.isNewline { text.removeLast() }
        guard !text.isEmpty else { throw .empty }
        guard !text.contains(where: \.isNewline) else { throw .severalLines }
        return text
    }

    private static func readAll() throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .unreadable(String(cString: strerror(errno))) }
            if count == 0 { return bytes }
            bytes += buffer[0 ..< count]
        }
    }

    /// Up to the first newline, with echo off while it is typed.
    private static func readFromTerminal(prompt: String) throws(Failure) -> [UInt8] {
        var saved = termios()
        let canHide = tcgetattr(0, &saved) == 0
        let restore = { [saved] in
            var original = saved
            _ = tcsetattr(0, TCSANOW, &original)
        }
        var signals: DispatchSourceSignal?
        if canHide {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(0, TCSANOW, &quiet)
            signal(SIGINT, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            source.setEventHandler {
                restore()
                Console.note("")
                _exit(ExitCodes.cancelled)
            }
            source.resume()
            signals = source
        }
        defer {
            if canHide {
                signals?.cancel()
                restore()
                Console.note("")  // the newline the user typed was not echoed
            }
        }
        Console.raw(2, prompt)
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(0, &byte, 1)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .unreadable(String(cString: strerror(errno))) }
            if count == 0 || byte == UInt8(ascii: "\n") { return bytes }
            bytes.append(byte)
        }
    }
}
