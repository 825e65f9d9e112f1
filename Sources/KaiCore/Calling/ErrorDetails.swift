import KaiJSON

/// Turns a plugin's JSON error details into one readable line:
/// `{"message":"missing API endpoint","field":"endpoint"}` becomes
/// `missing API endpoint (field: endpoint)`.
enum ErrorDetails {
    static let maxShown = 2000

    static func describe(_ bytes: [UInt8]?) -> String {
        guard let bytes, !bytes.isEmpty else { return "the plugin gave no details" }
        guard case .object(let object)? = try? JSONParser.parse(bytes) else {
            return "(details are not a JSON object) " + clip(String(decoding: bytes, as: UTF8.self))
        }
        let message = object["message"]?.stringValue ?? "the plugin gave no message"
        let extras = object.compactMap { key, value -> String? in
            // The router's hints (ErrorHints: http_status, retry_after_s) are
            // for Kai; the message already words them for people.
            guard key != "message", !ErrorHints.keys.contains(key) else { return nil }
            return "\(key): \(value.stringValue ?? value.serialized())"
        }
        return clip(extras.isEmpty ? message : "\(message) (\(extras.joined(separator: ", ")))")
    }

    /// The details' "message" alone (clipped); nil without one.
    static func message(_ bytes: [UInt8]?) -> String? {
        guard let bytes, case .object(let object)? = try? JSONParser.parse(bytes),
              let message = object["message"]?.stringValue, !message.isEmpty else { return nil }
        return clip(message)
    }

    private static func clip(_ text: String) -> String {
        text.count <= maxShown ? text : String(text.prefix(maxShown)) + "…"
    }
}
