import CKaiABI
import KaiOllamaWire
import KaiProviderKit

extension OllamaInstance {
    /// Which endpoint serves a request's model (ModelRouter's rules). Ollama's
    /// own names have colons too ("llama3.2:latest"), so "ENDPOINT:MODEL"
    /// forces an endpoint only when ENDPOINT is a configured name, and
    /// "MODEL" matches a pulled "MODEL:latest".
    func route(_ requested: String?, waiter: CallWaiter) throws(ProviderError) -> (OllamaEndpoint, String) {
        try ModelRouter(
            endpoints: config.endpoints,
            noEndpoints: "no endpoints are configured: add endpoints: [{name: local, base_url: \(OllamaEndpoint.defaultBaseURL)}] to the config of plugin dev.kai.ollama",
            firstListsNone: { "endpoint \($0.name) (\($0.tagsURL)) has no models; run `ollama pull MODEL` there, add models: [...] to its config, or name a model" },
            moreAdvice: { ", run `ollama pull \($0)` on one" },
            sameModel: Self.sameModel,
            cached: { endpoint in self.discovered.withLock { $0[endpoint.name] } },
            discover: { endpoint throws(ProviderError) in try self.tags(endpoint, waiter: waiter).map(\.id) }
        ).route(requested)
    }

    /// Ollama's "NAME" is "NAME:latest".
    static func sameModel(_ listed: String, _ requested: String) -> Bool {
        listed == requested || listed == requested + ":latest"
    }

    /// GET {base_url}/api/tags, remembered for routing.
    func tags(_ endpoint: OllamaEndpoint, waiter: CallWaiter) throws(ProviderError) -> [ModelTags.Model] {
        let exchange = Exchange(endpoint: endpoint, pool: pool, waiter: waiter)
        let body = try exchange.fetch(exchange.request(.get, url: endpoint.tagsURL))
        let models: [ModelTags.Model]
        do throws(WireError) {
            models = try ModelTags.parse(body, origin: endpoint.origin(endpoint.tagsURL), redact: endpoint.redact)
        } catch {
            throw .unavailable(error.message)
        }
        let redacted = models.map { ModelTags.Model(id: endpoint.redact($0.id), summary: $0.summary.map(endpoint.redact)) }
        discovered.withLock { $0[endpoint.name] = redacted.map(\.id) }
        return redacted
    }
}
