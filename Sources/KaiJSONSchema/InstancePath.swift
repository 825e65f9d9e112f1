import KaiJSON

/// One step from a value to a child: an object member or an array element.
///
/// `ordinal` is the child's position in its container, used to sort
/// violations into document order.
struct PathComponent: Sendable {
    var key: String?
    var ordinal: Int

    static func member(_ key: String, at ordinal: Int) -> PathComponent {
        PathComponent(key: key, ordinal: ordinal)
    }

    static func element(_ index: Int) -> PathComponent {
        PathComponent(key: nil, ordinal: index)
    }
}

/// Formats an instance location as `$`, `$.name`, `$.items[2]` or `$["a b"]`.
/// Only called when a violation is reported, so the success path never
/// builds strings.
func formatInstancePath(_ components: [PathComponent]) -> String {
    var text = "$"
    for component in components {
        if let key = component.key {
            text += isPlainIdentifier(key) ? "." + key : "[" + quoted(key) + "]"
        } else {
            text += "[\(component.ordinal)]"
        }
    }
    return text
}

private func isPlainIdentifier(_ key: String) -> Bool {
    guard let first = key.utf8.first, !isDigit(first) else { return false }
    return key.utf8.allSatisfy { isDigit($0) || isLetterOrUnderscore($0) }
}

private func isDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
}

private func isLetterOrUnderscore(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
}
