import KaiJSON
import KaiProviderKit

/// One configured server speaking Anthropic's Messages API.
struct AnthropicEndpoint: ModelListingEndpoint, PricedEndpoint {
    let name: String
    /// The API's root without a trailing slash or /v1 (paths append as
    /// "/v1/messages").
    let baseURL: String
    let apiKeySecret: String?
    /// The API key itself: only ever put into the x-api-key header and cut
    /// out of server text (redact); nothing prints an endpoint.
    let apiKey: String?
    let models: [String]?
    let priceInputPerMillion: Double?
    let priceOutputPerMillion: Double?
    let timeoutSeconds: Double
    let connectTimeoutSeconds: Double
    /// max_tokens for a request without one (the Messages API requires it).
    let maxTokensDefault: Int

    /// The API version every request names (Anthropic's versioning header).
    static let apiVersion = "2023-06-01"

    var messagesURL: String { baseURL + "/v1/messages" }
    var modelsURL: String { baseURL + "/v1/models" }

    var requestHeaders: [String] {
        (apiKey.map { ["x-api-key: " + $0] } ?? []) + ["anthropic-version: " + Self.apiVersion]
    }

    var notFoundHint: String {
        "check base_url (the API's root, e.g. https://api.anthropic.com, without /v1) and the model name"
    }
}

/// The plugin's configuration, read once in create().
struct AnthropicConfig: Sendable {
    static let defaultBaseURL = "https://api.anthropic.com"
    let endpoints: [AnthropicEndpoint]

    /// Reads the host's config JSON (already validated against the
    /// configSchema); what the schema cannot say (a secret key that is not
    /// there, duplicate names) is checked here, naming the key.
    init(json: JSONValue) throws(ProviderError) {
        var endpoints: [AnthropicEndpoint] = []
        for (position, item) in (json["endpoints"]?.arrayValue ?? []).enumerated() {
            let name = item["name"]?.stringValue ?? "#\(position)"
            var base = item["base_url"]?.stringValue ?? Self.defaultBaseURL
            guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
                throw .invalidInput("endpoint \(name): base_url must be an http:// or https:// URL, e.g. \(Self.defaultBaseURL)")
            }
            guard !endpoints.contains(where: { $0.name == name }) else {
                throw .invalidInput("endpoints: the name \"\(name)\" is used twice; give each endpoint its own name")
            }
            let secret = item["api_key_secret"]?.stringValue
            let key = try EndpointSecret.apiKey(secret, endpoint: name, config: json)
            while base.hasSuffix("/") { base.removeLast() }
            endpoints.append(AnthropicEndpoint(
                name: name, baseURL: base, apiKeySecret: secret, apiKey: key,
                models: item["models"]?.arrayValue?.compactMap(\.stringValue),
                priceInputPerMillion: item["price_input_per_1m"]?.doubleValue,
                priceOutputPerMillion: item["price_output_per_1m"]?.doubleValue,
                timeoutSeconds: item["timeout_s"]?.doubleValue ?? 120,
                connectTimeoutSeconds: item["connect_timeout_s"]?.doubleValue ?? 10,
                maxTokensDefault: Int(item["max_tokens_default"]?.intValue ?? 4096)))
        }
        self.endpoints = endpoints
    }
}
