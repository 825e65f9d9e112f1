/// Splits a newline-delimited JSON byte stream into lines, incrementally:
/// bytes arrive in whatever pieces TCP gives, and each complete line is
/// handed on at once.
///
/// Lines end in LF (a CR before it is dropped); blank lines are skipped. A
/// line longer than `limit` stops the stream: a server that never sends a
/// newline must not grow memory without bound.
public struct NDJSONLines {
    public enum Outcome: Equatable {
        /// All bytes taken; more may come.
        case more
        /// `onLine` answered false; the rest of the bytes were dropped.
        case stopped
        /// A line grew past the limit.
        case lineTooLong
    }

    public let limit: Int
    private var line: [UInt8] = []

    public init(limit: Int = 16 << 20) { self.limit = limit }

    /// Whether a line has begun but not ended (the stream so far stops in
    /// the middle of a line).
    public var isInsideLine: Bool { !line.isEmpty }

    /// Feeds bytes; `onLine` gets each complete, non-blank line.
    public mutating func feed(_ bytes: some Sequence<UInt8>, onLine: ([UInt8]) -> Bool) -> Outcome {
        for byte in bytes {
            guard byte == UInt8(ascii: "\n") else {
                guard line.count < limit else { return .lineTooLong }
                line.append(byte)
                continue
            }
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            guard !line.isEmpty else { continue }
            let complete = line
            line.removeAll(keepingCapacity: true)
            if !onLine(complete) { return .stopped }
        }
        return .more
    }

    /// The unterminated last line, if the stream ended inside one.
    public mutating func finish() -> [UInt8]? {
        defer { line.removeAll() }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return line.isEmpty ? nil : line
    }
}
