import Foundation

/// The `uuid` tool: {count?, version?, uppercase?} -> {uuids, version}.
///
/// Randomness comes from SystemRandomNumberGenerator (getrandom(2) on
/// Linux): cryptographically secure and safe to use from concurrent calls.
enum UUIDTool {
    static func run(_ arguments: ToolArguments) throws(ToolError) -> Any {
        let count = try arguments.integer("count", in: 1...1000) ?? 1
        let version = try arguments.integer("version", in: Int.min...Int.max) ?? 4
        guard version == 4 || version == 7 else {
            throw .invalidInput("'version' must be 4 or 7, got \(version)", field: "version")
        }
        let uppercase = try arguments.bool("uppercase") ?? false
        var generator = SystemRandomNumberGenerator()
        let bytes = version == 4
            ? (0..<count).map { _ in version4(using: &generator) }
            : version7Batch(count: count, unixMilliseconds: currentUnixMilliseconds(), using: &generator)
        let strings = bytes.map { format($0, uppercase: uppercase) }
        return ["uuids": strings, "version": version]
    }

    /// RFC 9562 §5.4: 122 random bits plus version and variant.
    static func version4(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var bytes = randomBytes(16, using: &generator)
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return bytes
    }

    /// RFC 9562 §5.7: 48-bit Unix milliseconds, then version 7, then
    /// rand_a (12 bits) used as a counter (§6.2, method 1) so the UUIDs of
    /// one batch sort in generation order even within one millisecond. The
    /// counter starts in the lower half of its range to leave room; when it
    /// overflows, the timestamp advances by one millisecond, as §6.2 allows.
    static func version7Batch(
        count: Int, unixMilliseconds: UInt64, using generator: inout some RandomNumberGenerator
    ) -> [[UInt8]] {
        var milliseconds = unixMilliseconds
        var counter = UInt16.random(in: 0..<0x800, using: &generator)
        var result: [[UInt8]] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            var bytes = randomBytes(16, using: &generator)
            for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - i))) }
            bytes[6] = 0x70 | UInt8(counter >> 8)
            bytes[7] = UInt8(truncatingIfNeeded: counter)
            bytes[8] = (bytes[8] & 0x3F) | 0x80
            result.append(bytes)
            counter += 1
            if counter > 0xFFF {
                counter = 0
                milliseconds += 1
            }
        }
        return result
    }

    private static func currentUnixMilliseconds() -> UInt64 {
        UInt64(max(0, (Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    private static func randomBytes(_ count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    private static func format(_ bytes: [UInt8], uppercase: Bool) -> String {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (i, byte) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
