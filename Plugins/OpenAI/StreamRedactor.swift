/// Cuts the API key out of text that arrives in pieces (a stream's deltas).
///
/// A server that echoes the key may split it between two SSE events, where
/// redacting each piece alone would miss it. So the end of what has come
/// that could still begin the key (a tail shorter than the key) is held
/// back until the next piece shows whether it is, and let out by finish().
struct StreamRedactor {
    let endpoint: Endpoint
    private var held = ""

    init(endpoint: Endpoint) { self.endpoint = endpoint }

    /// What of `piece` (after what was held) is safe to pass on now.
    mutating func pass(_ piece: String) -> String {
        guard let key = endpoint.apiKey, !key.isEmpty else { return piece }
        let text = endpoint.redact(held + piece)
        let keep = Self.heldLength(text, key: key)
        held = String(text.suffix(keep))
        return String(text.dropLast(keep))
    }

    /// The held tail, once no more pieces come.
    mutating func finish() -> String {
        defer { held = "" }
        return held
    }

    /// The length of the longest end of `text` that is a start of `key`
    /// (shorter than the key: a whole key was already replaced).
    private static func heldLength(_ text: String, key: String) -> Int {
        var length = min(key.count - 1, text.count)
        while length > 0 {
            if text.hasSuffix(key.prefix(length)) { return length }
            length -= 1
        }
        return 0
    }
}
