import KaiJSON

/// Renders values inside violation messages: JSON with a space after `,` and
/// `:`, so `["upper", "lower"]` reads naturally.
func describe(_ value: JSONValue) -> String {
    switch value {
    case .array(let elements):
        return "[" + elements.map(describe).joined(separator: ", ") + "]"
    case .object(let object):
        return "{" + object.map { quoted($0.key) + ": " + describe($0.value) }.joined(separator: ", ") + "}"
    default:
        return value.serialized()
    }
}

/// Renders an instance value, shortened: instance values are plugin
/// arguments, and a message should identify the value, not copy all of it.
func describeInstance(_ value: JSONValue) -> String {
    let limit = 64
    let text = describe(value)
    guard text.unicodeScalars.count > limit else { return text }
    return String(text.unicodeScalars.prefix(limit)) + "…"
}

/// "1 item", "3 items".
func counted(_ count: Int, _ singular: String, _ plural: String) -> String {
    "\(count) \(count == 1 ? singular : plural)"
}
