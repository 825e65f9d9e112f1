import KaiJSON

/// Fills a chat request's "model" without parsing the request into values
/// and writing it out again: the request of an agent's model turn holds the
/// whole conversation, and that round trip on every turn was the largest
/// single cost of the host's part of an agent step. A scan of the top-level
/// keys finds "model"; when it is absent, `"model": …` is spliced in after
/// the opening brace. Anything the scan is unsure of (an escaped key, a
/// "model" that is not a plain string) returns nil, and the caller takes
/// the parsing path.
enum RequestModelSplice {
    enum Found: Equatable {
        /// No top-level "model"; `empty`: the object has no members at all.
        case absent(afterBrace: Int, empty: Bool)
        /// The bytes of the top-level "model" value.
        case present(Range<Int>)
    }

    /// The request with `model` filled in when it names none, and the model
    /// it then asks for; nil when the scan cannot say (see above).
    /// `bytes` must already be well-formed JSON (JSONSyntax.check).
    static func apply(_ bytes: [UInt8], model: String?) -> (bytes: [UInt8], model: String?)? {
        guard let found = scan(bytes) else { return nil }
        switch found {
        case .present(let range):
            guard case .string(let named)? = try? JSONParser.parse(Array(bytes[range])) else { return nil }
            return (bytes, named)
        case .absent(let afterBrace, let empty):
            guard let model else { return (bytes, nil) }
            var spliced = [UInt8]()
            spliced.reserveCapacity(bytes.count + model.utf8.count + 12)
            spliced.append(contentsOf: bytes[..<afterBrace])
            spliced.append(contentsOf: #""model":"#.utf8)
            spliced.append(contentsOf: JSONValue.string(model).serializedBytes())
            if !empty { spliced.append(UInt8(ascii: ",")) }
            spliced.append(contentsOf: bytes[afterBrace...])
            return (spliced, model)
        }
    }

    /// Where the top-level "model" is, or that there is none; nil: not an
    /// object, or a key with an escape (it might spell "model").
    static func scan(_ bytes: [UInt8]) -> Found? {
        var scanner = Scanner(bytes: bytes)
        scanner.skipSpace()
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        let afterBrace = scanner.index
        scanner.skipSpace()
        if scanner.take(UInt8(ascii: "}")) { return .absent(afterBrace: afterBrace, empty: true) }
        while true {
            scanner.skipSpace()
            let keyStart = scanner.index
            guard scanner.peek == UInt8(ascii: "\""), let escaped = scanner.skipString(), !escaped else { return nil }
            let isModel = bytes[keyStart..<scanner.index].elementsEqual(#""model""#.utf8)
            scanner.skipSpace()
            guard scanner.take(UInt8(ascii: ":")) else { return nil }
            scanner.skipSpace()
            let valueStart = scanner.index
            guard scanner.skipValue() else { return nil }
            if isModel { return .present(valueStart..<scanner.index) }
            scanner.skipSpace()
            if scanner.take(UInt8(ascii: ",")) { continue }
            return scanner.take(UInt8(ascii: "}")) ? .absent(afterBrace: afterBrace, empty: false) : nil
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        mutating func skipSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        /// Past a string starting here; whether it held an escape (nil: unterminated).
        mutating func skipString() -> Bool? {
            index += 1
            var escaped = false
            while let byte = peek {
                index += 1
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    return escaped
                }
            }
            return nil
        }

        /// Past one value (strings and nesting followed; the syntax was checked before).
        mutating func skipValue() -> Bool {
            var depth = 0
            while let byte = peek {
                switch byte {
                case UInt8(ascii: "\""):
                    guard skipString() != nil else { return false }
                    if depth == 0 { return true }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return true }
                    depth -= 1
                    if depth == 0 { index += 1; return true }
                case UInt8(ascii: ","), 0x20, 0x0A, 0x0D, 0x09:
                    if depth == 0 { return true }
                default:
                    break
                }
                index += 1
            }
            return depth == 0
        }
    }
}
