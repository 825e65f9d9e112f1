import KaiJSON

/// Reads Ollama's `GET /api/tags` (the models pulled on the server):
/// `{"models": [{"name", "model", "size", "details": {"family",
/// "parameter_size", "quantization_level", ...}}, ...]}`.
public enum ModelTags {
    public struct Model: Equatable, Sendable {
        /// What `/api/chat` takes as "model", e.g. "llama3.2:latest".
        public let id: String
        /// e.g. "llama 3.2B Q4_K_M, 2.0 GB".
        public let summary: String?

        public init(id: String, summary: String?) {
            self.id = id
            self.summary = summary
        }
    }

    /// The models, in the server's order. `origin` names the endpoint and
    /// URL for the error a body of another shape gives.
    /// `redact` cuts secrets out of server text before it is clipped into
    /// the message.
    public static func parse(_ body: [UInt8], origin: String, redact: (String) -> String = { $0 }) throws(WireError) -> [Model] {
        guard let list = (try? JSONParser.parse(body))?["models"]?.arrayValue else {
            throw WireError("\(origin) answered with something that is not Ollama's model list: \(Clip.text(Array(redact(String(decoding: body, as: UTF8.self)).utf8))); is base_url an Ollama server (e.g. http://127.0.0.1:11434, without /v1)?")
        }
        var models: [Model] = []
        for entry in list {
            guard let id = (entry["model"]?.stringValue ?? entry["name"]?.stringValue), !id.isEmpty else { continue }
            models.append(Model(id: id, summary: summary(entry)))
        }
        return models
    }

    /// Family, size and quantization from `details`, and the file size.
    static func summary(_ entry: JSONValue) -> String? {
        let details = entry["details"]
        let parts = [details?["family"], details?["parameter_size"], details?["quantization_level"]]
            .compactMap { $0?.stringValue }.filter { !$0.isEmpty }
        var text = parts.joined(separator: " ")
        if let size = entry["size"]?.doubleValue, size > 0 {
            let gigabytes = (size / 1e9 * 10).rounded() / 10
            text += (text.isEmpty ? "" : ", ") + "\(gigabytes) GB"
        }
        return text.isEmpty ? nil : text
    }
}
