/// One message between a host and a plugin worker.
///
/// On the wire: `u32 length` (of everything after it), `u8 kind`, `u32 id`,
/// then the kind's payload; integers little-endian, byte strings as `u32
/// length` + bytes. `id` routes the frame: the request id of a call for
/// frames about that call, the callback's sequence number for answers to a
/// worker's callback, 0 for frames that need no routing (log).
package struct WorkerFrame: Sendable {
    package enum Kind: UInt8, Sendable {
        // host -> worker
        /// describe() -> result with the manifest bytes.
        case describe = 1
        /// create(config bytes) -> result; once, right after start.
        case create = 2
        /// u8 kind, str name, bytes input, i64 ns remaining (Int64.max: no
        /// deadline), u8 flags (1: event sink on), u32 output limit -> result.
        case invoke = 3
        /// The call `id` is cancelled: is_cancelled() turns true. No answer.
        case cancel = 4
        /// Answer to callback `id`: i32 code, bytes output, bytes error
        /// details. For an event, code 1 means STOP.
        case reply = 5
        /// destroy() the instance and exit 0. No answer.
        case shutdown = 6
        /// One event of a provider stream the worker asked for (callback `id`).
        case streamEvent = 7

        // worker -> host
        /// Answer to request `id`: i32 code, bytes output, bytes error
        /// details (empty: none), u8 output overflowed.
        case result = 20
        /// i32 level, str message. id 0.
        case log = 21
        /// u32 callback, str name, bytes args (call_tool within call `id`).
        case callTool = 22
        /// u32 callback, str provider, bytes request.
        case providerComplete = 23
        /// u32 callback, str provider, bytes request; streamEvents then a reply.
        case providerStream = 24
        /// u32 callback, event (see WireEvent); answered with a reply.
        case event = 25
    }

    /// Frames larger than this are a protocol error (outputs are capped
    /// well below it).
    package static let maxLength = 256 << 20
    static let headerLength = 9

    package var kind: Kind
    package var id: UInt32
    package var payload: [UInt8]

    package init(kind: Kind, id: UInt32, payload: [UInt8] = []) {
        self.kind = kind
        self.id = id
        self.payload = payload
    }

    /// Encodes a frame whose payload `build` appends.
    package static func encode(_ kind: Kind, id: UInt32, _ build: (inout FrameWriter) -> Void = { _ in }) -> [UInt8] {
        var writer = FrameWriter()
        writer.bytes.reserveCapacity(64)
        writer.u32(0)
        writer.bytes.append(kind.rawValue)
        writer.u32(id)
        build(&writer)
        let length = UInt32(writer.bytes.count - 4)
        withUnsafeBytes(of: length.littleEndian) { writer.bytes.replaceSubrange(0..<4, with: $0) }
        return writer.bytes
    }

    package var reader: FrameReader { FrameReader(payload) }
}

package struct FrameWriter {
    package var bytes: [UInt8] = []

    package mutating func u8(_ value: UInt8) { bytes.append(value) }
    package mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    package mutating func i32(_ value: Int32) { u32(UInt32(bitPattern: value)) }
    package mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    package mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }
    package mutating func f64(_ value: Double) { u64(value.bitPattern) }

    package mutating func data(_ value: [UInt8]) {
        u32(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    package mutating func data(_ pointer: UnsafeRawPointer?, _ count: Int) {
        u32(UInt32(count))
        if let pointer, count > 0 { bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: count)) }
    }

    package mutating func string(_ value: String) { data(Array(value.utf8)) }
}

/// A truncated or malformed payload: the other side broke the protocol.
package struct FrameError: Error, Sendable, CustomStringConvertible {
    package let description: String
}

package struct FrameReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private mutating func take(_ count: Int) throws(FrameError) -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count - offset >= count else { throw FrameError(description: "truncated frame payload") }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    package mutating func u8() throws(FrameError) -> UInt8 { try take(1).first! }

    package mutating func u32() throws(FrameError) -> UInt32 {
        try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    package mutating func i32() throws(FrameError) -> Int32 { Int32(bitPattern: try u32()) }

    package mutating func u64() throws(FrameError) -> UInt64 {
        try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    package mutating func i64() throws(FrameError) -> Int64 { Int64(bitPattern: try u64()) }
    package mutating func f64() throws(FrameError) -> Double { Double(bitPattern: try u64()) }
    package mutating func data() throws(FrameError) -> [UInt8] { Array(try take(Int(try u32()))) }
    package mutating func string() throws(FrameError) -> String { String(decoding: try data(), as: UTF8.self) }
}
