import KaiProviderKit

/// One configured Ollama server.
struct OllamaEndpoint: ModelListingEndpoint, PricedEndpoint {
    static let defaultBaseURL = "http://127.0.0.1:11434"

    let name: String
    /// Without a trailing slash, e.g. http://127.0.0.1:11434.
    let baseURL: String
    let apiKeySecret: String?
    /// The bearer token for a proxy in front of Ollama; never printed.
    let apiKey: String?
    /// Configured models; nil: ask GET /api/tags.
    let models: [String]?
    /// Sent as the body's keep_alive when set ("10m", or seconds).
    let keepAlive: KeepAlive?
    let priceInputPerMillion: Double?
    let priceOutputPerMillion: Double?
    let timeoutSeconds: Double
    let connectTimeoutSeconds: Double
    /// The model a chat call asks for, so that a 404 can say which one to pull.
    var model: String? = nil

    enum KeepAlive: Sendable, Equatable {
        case text(String)
        case seconds(Double)
    }

    var chatURL: String { baseURL + "/api/chat" }
    var tagsURL: String { baseURL + "/api/tags" }

    var requestHeaders: [String] {
        apiKey.map { ["Authorization: Bearer \($0)"] } ?? []
    }

    /// Ollama answers 404 for a model it has not pulled (and for a path it
    /// does not know: a base_url with /v1 or /api in it).
    var notFoundHint: String {
        let check = "check that base_url (\(baseURL)) is the server's address, without /api or /v1"
        guard let model else { return check }
        return "run `ollama pull \(model)` on that server, or name a model it has (kai models ollama); \(check)"
    }

    /// The same endpoint, for a call asking for `model`.
    func asking(for model: String) -> OllamaEndpoint {
        var copy = self
        copy.model = model
        return copy
    }

    /// Names the endpoint and a URL of it in messages.
    func origin(_ url: String) -> String { "endpoint \(name) (\(url))" }
}
