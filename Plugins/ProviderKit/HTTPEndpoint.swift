/// What the kit needs to know of a provider's configured server: names and
/// limits for messages and timeouts, and the key to cut out of server text.
package protocol HTTPEndpoint: Sendable {
    /// Names the endpoint in errors.
    var name: String { get }
    /// The API key itself: only ever put into a request header and cut out
    /// of server text (redact); never printed.
    var apiKey: String? { get }
    /// The config key named by api_key_secret, for messages (never the value).
    var apiKeySecret: String? { get }
    var timeoutSeconds: Double { get }
    var connectTimeoutSeconds: Double { get }
    /// Header lines every request carries: authentication, API version.
    var requestHeaders: [String] { get }
    /// What to check after a 404, e.g. "check base_url (…) and the model name".
    var notFoundHint: String { get }
    /// How to fix a refused key (401/403), naming the secret to set.
    var keyHint: String { get }
}

extension HTTPEndpoint {
    package var keyHint: String {
        if let apiKeySecret {
            return "check the API key in secret \"\(apiKeySecret)\" (the plugin entry's secrets: {\(apiKeySecret): ENV_VAR}) and the variable's value"
        }
        return "set api_key_secret for endpoint \(name) and its secret (secrets: {KEY: ENV_VAR} in the plugin entry)"
    }

    /// `text` with the API key replaced, for server text that goes into an
    /// error message (a server may echo what it was sent).
    package func redact(_ text: String) -> String {
        guard let apiKey, !apiKey.isEmpty else { return text }
        return text.replacing(apiKey, with: "<api key>")
    }

    /// `text` less an end that could be the start of the key: for server
    /// text that was itself cut off (a capped body), where a key crossing
    /// the cap left only its start, which redact cannot recognise.
    package func withoutKeyStartAtEnd(_ text: String) -> String {
        guard let apiKey, !apiKey.isEmpty else { return text }
        return String(text.dropLast(KeyRedaction.keyStartLength(at: text, key: apiKey)))
    }

    /// Server text for a message: the key cut out first, then clipped to
    /// `limit` bytes (clipping first could leave part of a key that
    /// crossed the cut, which redact would no longer recognise).
    package func clip(_ bytes: some Sequence<UInt8>, limit: Int = 200) -> String {
        let whole = redact(String(decoding: Array(bytes), as: UTF8.self))
        return String(decoding: Array(whole.utf8.prefix(limit)), as: UTF8.self)
    }
}

package enum KeyRedaction {
    /// The length of the longest end of `text` that is a start of `key`
    /// (shorter than the key: a whole key is redact's business).
    package static func keyStartLength(at text: String, key: String) -> Int {
        var length = min(key.count - 1, text.count)
        while length > 0 {
            if text.hasSuffix(key.prefix(length)) { return length }
            length -= 1
        }
        return 0
    }
}

extension String {
    package var trimmingWhitespace: String {
        // A Character in the set is exactly one of those ASCII scalars, so a
        // string whose first and last bytes are none of them keeps every
        // Character: returned as is, without building the set or walking
        // graphemes (a tool call's arguments, every streamed turn).
        let utf8 = self.utf8
        guard let first = utf8.first, let last = utf8.last else { return self }
        if !Self.isTrimmedByte(first), !Self.isTrimmedByte(last) { return self }
        let spaces: Set<Character> = [" ", "\n", "\r", "\t"]
        return String(drop(while: { spaces.contains($0) }).reversed().drop(while: { spaces.contains($0) }).reversed())
    }

    private static func isTrimmedByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }
}
