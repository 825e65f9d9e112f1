/// Why a document is not strict RFC 8259 JSON, and where.
///
/// `line` and `column` are 1-based; lines end at `\n`, and columns count
/// Unicode scalars (not bytes) so they match what an editor shows.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset from the start of the input.
    public let offset: Int
    public let line: Int
    public let column: Int
    public let message: String

    public init(message: String, offset: Int, line: Int, column: Int) {
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// Locates `offset` in `bytes`. Only called on failure, so the rescan of
    /// the prefix costs nothing on the success path.
    init(message: String, offset: Int, in bytes: UnsafeRawBufferPointer) {
        var line = 1
        var column = 1
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        self.init(message: message, offset: offset, line: line, column: column)
    }

    public var description: String { "\(message) at line \(line), column \(column)" }
}
