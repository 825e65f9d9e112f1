extension TerminalText {
    /// `visible` for a stream of bytes given in chunks (a sandboxed program's
    /// output): a UTF-8 sequence split between two chunks is held back until
    /// the next one completes it. What it returns is always valid UTF-8.
    public struct ByteStream: Sendable {
        /// The start of a UTF-8 sequence the last chunk ended in.
        private var pending: [UInt8] = []

        public init() {}

        /// The visible form of `chunk`, less a sequence it ends in the middle of.
        public mutating func escape(_ chunk: UnsafeRawBufferPointer) -> [UInt8] {
            var output: [UInt8] = []
            output.reserveCapacity(chunk.count + pending.count + 16)
            if pending.isEmpty {
                consume(chunk, final: false, into: &output)
            } else {
                var joined = pending
                pending = []
                joined.append(contentsOf: chunk)
                joined.withUnsafeBytes { consume($0, final: false, into: &output) }
            }
            return output
        }

        public mutating func escape(_ chunk: [UInt8]) -> [UInt8] {
            chunk.withUnsafeBytes { escape($0) }
        }

        /// What is left at the end of the stream: an unfinished sequence is
        /// not valid UTF-8, so its bytes are shown as `\xNN`.
        public mutating func finish() -> [UInt8] {
            var output: [UInt8] = []
            let rest = pending
            pending = []
            rest.withUnsafeBytes { consume($0, final: true, into: &output) }
            return output
        }

        private mutating func consume(_ bytes: UnsafeRawBufferPointer, final: Bool, into output: inout [UInt8]) {
            var index = 0
            var plain = 0  // start of the run of bytes kept as they are
            while index < bytes.count {
                index += Self.plainPrefix(bytes, from: index)
                if index == bytes.count { break }
                let byte = bytes[index]
                if byte >= 0x20 && byte < 0x7f || byte == 0x0a || byte == 0x09 {
                    index += 1
                    continue
                }
                let length = byte < 0x80 ? 0 : Self.sequenceLength(bytes, at: index)
                if length == -1 && !final {  // incomplete at the end of the chunk
                    break
                }
                if length > 0 && !(length == 2 && byte == 0xc2 && bytes[index + 1] < 0xa0) {
                    index += length
                    continue
                }
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[plain..<index]))
                // A C1 scalar (C2 80–9F) shows as its code point, like a raw byte.
                let shown = length == 2 ? bytes[index + 1] : byte
                output.append(contentsOf: TerminalText.escaped(shown).utf8)
                index += max(length, 1)
                plain = index
            }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[plain..<index]))
            if index < bytes.count { pending = Array(bytes[index...]) }
        }

        /// How many bytes from `start` are printable ASCII, eight at a time
        /// (most output is; a word with anything else is left to the caller).
        static func plainPrefix(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
            let high: UInt64 = 0x8080_8080_8080_8080, ones: UInt64 = 0x0101_0101_0101_0101
            var index = start
            while index + 8 <= bytes.count {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let nonASCII = word & high
                let control = (word &- ones &* 0x20) & ~word & high  // a byte below 0x20
                let delete = ((word ^ (ones &* 0x7f)) &- ones) & ~(word ^ (ones &* 0x7f)) & high  // a byte 0x7f
                if nonASCII | control | delete != 0 { break }
                index += 8
            }
            return index - start
        }

        /// The length of the valid UTF-8 sequence starting at `index` (a byte
        /// of at least 0x80), 0 if it is not valid, -1 if the buffer ends
        /// before it could be told.
        static func sequenceLength(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int {
            let lead = bytes[index]
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xbf  // range of the second byte
            switch lead {
            case 0xc2...0xdf: length = 2
            case 0xe0: length = 3; low = 0xa0
            case 0xe1...0xec, 0xee...0xef: length = 3
            case 0xed: length = 3; high = 0x9f
            case 0xf0: length = 4; low = 0x90
            case 0xf1...0xf3: length = 4
            case 0xf4: length = 4; high = 0x8f
            default: return 0
            }
            for offset in 1..<length {
                guard index + offset < bytes.count else { return -1 }
                let byte = bytes[index + offset]
                let (min, max) = offset == 1 ? (low, high) : (0x80, 0xbf)
                if byte < min || byte > max { return 0 }
            }
            return length
        }
    }
}
