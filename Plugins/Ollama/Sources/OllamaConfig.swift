import KaiJSON
import KaiProviderKit

/// The plugin's configuration, read once in create().
struct OllamaConfig: Sendable {
    let endpoints: [OllamaEndpoint]

    /// Reads the host's config JSON (already validated against the
    /// configSchema); what the schema cannot say (a secret that is not
    /// there, duplicate names, Ollama's OpenAI-compatible /v1 given as the
    /// native API) is checked here, naming the key.
    init(json: JSONValue) throws(ProviderError) {
        var endpoints: [OllamaEndpoint] = []
        for (position, item) in (json["endpoints"]?.arrayValue ?? []).enumerated() {
            let endpoint = try Self.endpoint(item, position: position, config: json)
            guard !endpoints.contains(where: { $0.name == endpoint.name }) else {
                throw .invalidInput("endpoints: the name \"\(endpoint.name)\" is used twice; give each endpoint its own name")
            }
            endpoints.append(endpoint)
        }
        self.endpoints = endpoints
    }

    private static func endpoint(_ item: JSONValue, position: Int, config: JSONValue) throws(ProviderError) -> OllamaEndpoint {
        let name = item["name"]?.stringValue ?? "#\(position)"
        var base = item["base_url"]?.stringValue ?? OllamaEndpoint.defaultBaseURL
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw .invalidInput("endpoint \(name): base_url must be an http:// or https:// URL, e.g. \(OllamaEndpoint.defaultBaseURL)")
        }
        while base.hasSuffix("/") { base.removeLast() }
        for suffix in ["/v1", "/api"] where base.hasSuffix(suffix) {
            throw .invalidInput("endpoint \(name): base_url \(base) ends in \(suffix), but this provider speaks Ollama's native API under it: use \(base.dropLast(suffix.count)) (for Ollama's OpenAI-compatible /v1, use the openai provider)")
        }
        let secret = item["api_key_secret"]?.stringValue
        let key = try EndpointSecret.apiKey(secret, endpoint: name, config: config)
        let keepAlive: OllamaEndpoint.KeepAlive? = switch item["keep_alive"] {
        case .string(let text)?: .text(text)
        case let value? where value.doubleValue != nil: .seconds(value.doubleValue!)
        default: nil
        }
        return OllamaEndpoint(
            name: name, baseURL: base, apiKeySecret: secret, apiKey: key,
            models: item["models"]?.arrayValue?.compactMap(\.stringValue), keepAlive: keepAlive,
            priceInputPerMillion: item["price_input_per_1m"]?.doubleValue,
            priceOutputPerMillion: item["price_output_per_1m"]?.doubleValue,
            timeoutSeconds: item["timeout_s"]?.doubleValue ?? 120,
            connectTimeoutSeconds: item["connect_timeout_s"]?.doubleValue ?? 10)
    }
}
