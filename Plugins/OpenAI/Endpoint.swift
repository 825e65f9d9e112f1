import KaiJSON
import KaiProviderKit

/// One configured OpenAI-compatible server.
struct Endpoint: ModelListingEndpoint, PricedEndpoint {
    let name: String
    /// Without a trailing slash, so paths append as "/chat/completions".
    let baseURL: String
    /// The config key named by api_key_secret, for messages (never the value).
    let apiKeySecret: String?
    /// The API key itself. Only ever put into the Authorization header and
    /// cut out of server text (redact); nothing prints an Endpoint.
    let apiKey: String?
    let models: [String]?
    let priceInputPerMillion: Double?
    let priceOutputPerMillion: Double?
    let timeoutSeconds: Double
    let connectTimeoutSeconds: Double

    var chatURL: String { baseURL + "/chat/completions" }
    var modelsURL: String { baseURL + "/models" }

    /// OpenAI authenticates with a bearer token.
    var requestHeaders: [String] { apiKey.map { ["Authorization: Bearer " + $0] } ?? [] }

    var notFoundHint: String { "check base_url (it usually ends in /v1) and the model name" }
}

/// The plugin's configuration, read once in create().
struct OpenAIConfig: Sendable {
    let endpoints: [Endpoint]

    /// Reads the host's config JSON (already validated against the
    /// configSchema); what the schema cannot say (a secret key that is not
    /// there, duplicate names) is checked here, naming the key.
    init(json: JSONValue) throws(ProviderError) {
        let list = json["endpoints"]?.arrayValue ?? []
        var endpoints: [Endpoint] = []
        for (position, item) in list.enumerated() {
            let name = item["name"]?.stringValue ?? "#\(position)"
            guard let base = item["base_url"]?.stringValue, base.hasPrefix("http://") || base.hasPrefix("https://") else {
                throw .invalidInput("endpoint \(name): base_url must be an http:// or https:// URL, e.g. http://127.0.0.1:8000/v1")
            }
            guard !endpoints.contains(where: { $0.name == name }) else {
                throw .invalidInput("endpoints: the name \"\(name)\" is used twice; give each endpoint its own name")
            }
            let secret = item["api_key_secret"]?.stringValue
            let key = try EndpointSecret.apiKey(secret, endpoint: name, config: json)
            var base2 = base
            while base2.hasSuffix("/") { base2.removeLast() }
            endpoints.append(Endpoint(
                name: name, baseURL: base2, apiKeySecret: secret, apiKey: key,
                models: item["models"]?.arrayValue?.compactMap(\.stringValue),
                priceInputPerMillion: item["price_input_per_1m"]?.doubleValue,
                priceOutputPerMillion: item["price_output_per_1m"]?.doubleValue,
                timeoutSeconds: item["timeout_s"]?.doubleValue ?? 120,
                connectTimeoutSeconds: item["connect_timeout_s"]?.doubleValue ?? 10))
        }
        self.endpoints = endpoints
    }
}
