/// Cuts the API key out of text that arrives in pieces (a stream's deltas).
///
/// A server that echoes the key may split it between two SSE events, where
/// redacting each piece alone would miss it. So the end of what has come
/// that could still begin the key (a tail shorter than the key) is held
/// back until the next piece shows whether it is, and let out by finish().
package struct StreamRedactor {
    let endpoint: any HTTPEndpoint
    private var held = ""

    package init(endpoint: any HTTPEndpoint) { self.endpoint = endpoint }

    /// What of `piece` (after what was held) is safe to pass on now.
    package mutating func pass(_ piece: String) -> String {
        guard let key = endpoint.apiKey, !key.isEmpty else { return piece }
        let text = endpoint.redact(held + piece)
        let keep = KeyRedaction.keyStartLength(at: text, key: key)
        held = String(text.suffix(keep))
        return String(text.dropLast(keep))
    }

    /// The held tail, once no more pieces come.
    package mutating func finish() -> String {
        defer { held = "" }
        return held
    }
}
