import Foundation
import KaiJSON

/// A location inside a schema document, as RFC 6901 reference tokens.
struct JSONPointer: Hashable, Sendable, CustomStringConvertible {
    var tokens: [String] = []

    func appending(_ token: String) -> JSONPointer {
        JSONPointer(tokens: tokens + [token])
    }

    /// The URI fragment form, e.g. `#/properties/a~1b`.
    var description: String {
        tokens.reduce(into: "#") { text, token in
            text += "/" + token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }
    }

    /// Parses a `$ref` fragment such as `#/$defs/a%20b`; `nil` if it is not a
    /// well-formed pointer fragment (escapes other than `~0`/`~1`, bad `%XX`).
    init?(fragment: String) {
        guard fragment.first == "#", let decoded = Self.percentDecode(fragment.dropFirst()) else { return nil }
        if decoded.isEmpty { return }
        guard decoded.first == "/" else { return nil }
        var tokens: [String] = []
        for raw in decoded.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let token = Self.unescape(raw) else { return nil }
            tokens.append(token)
        }
        self.tokens = tokens
    }

    init(tokens: [String] = []) {
        self.tokens = tokens
    }

    /// The value at this pointer inside `document`, or `nil` if there is none.
    func resolve(in document: JSONValue) -> JSONValue? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(token), token == String(index), elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    private static func unescape(_ raw: Substring) -> String? {
        var result = ""
        var iterator = raw.makeIterator()
        while let character = iterator.next() {
            guard character == "~" else {
                result.append(character)
                continue
            }
            switch iterator.next() {
            case "0": result.append("~")
            case "1": result.append("/")
            default: return nil
            }
        }
        return result
    }

    private static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(value)
            utf8 = utf8.dropFirst(2)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
