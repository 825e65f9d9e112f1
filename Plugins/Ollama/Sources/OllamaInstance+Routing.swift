import CKaiABI
import KaiOllamaWire
import KaiProviderKit

extension OllamaInstance {
    /// Which endpoint serves a request's model: "ENDPOINT:MODEL" forces an
    /// endpoint when ENDPOINT is a configured name (Ollama's own names have
    /// colons too, "llama3.2:latest", so anything else is a model name);
    /// "MODEL" goes to the endpoint listing it (configured, then pulled);
    /// no model means the first endpoint's first model. A lone endpoint
    /// without a model list gets any model as is (no round trip first).
    func route(_ requested: String?, waiter: CallWaiter) throws(ProviderError) -> (OllamaEndpoint, String) {
        let endpoints = config.endpoints
        guard let first = endpoints.first else {
            throw .invalidInput("no endpoints are configured: add endpoints: [{name: local, base_url: \(OllamaEndpoint.defaultBaseURL)}] to the config of plugin dev.kai.ollama")
        }
        guard let requested else {
            if let model = first.models?.first { return (first, model) }
            guard let model = try tags(first, waiter: waiter).first?.id else {
                throw .unavailable("endpoint \(first.name) (\(first.tagsURL)) has no models; run `ollama pull MODEL` there, add models: [...] to its config, or name a model")
            }
            return (first, model)
        }
        if let colon = requested.firstIndex(of: ":"),
           let endpoint = endpoints.first(where: { $0.name == requested[..<colon] }) {
            let model = String(requested[requested.index(after: colon)...])
            guard !model.isEmpty else { throw .invalidInput("model \"\(requested)\" names endpoint \(endpoint.name) but no model; write \(endpoint.name):MODEL") }
            return (endpoint, model)
        }
        if let endpoint = endpoints.first(where: { $0.models?.contains(requested) == true }) { return (endpoint, requested) }
        if endpoints.count == 1, first.models == nil { return (first, requested) }
        let unlisted = endpoints.filter { $0.models == nil }
        // The lists pulled before first; a miss asks again (a model may be new).
        if let endpoint = unlisted.first(where: { endpoint in discovered.withLock { $0[endpoint.name] }?.contains(where: { Self.sameModel($0, requested) }) == true }) {
            return (endpoint, requested)
        }
        var unasked: ProviderError? = nil
        for endpoint in unlisted {
            do throws(ProviderError) {
                if try tags(endpoint, waiter: waiter).contains(where: { Self.sameModel($0.id, requested) }) { return (endpoint, requested) }
            } catch {
                if error.code == KAI_ERR_CANCELLED || error.code == KAI_ERR_DEADLINE_EXCEEDED { throw error }
                unasked = unasked ?? error
            }
        }
        // An endpoint that could not be asked may serve it: its error (a
        // retryable UNAVAILABLE, mostly) says more than "no endpoint serves it".
        if let unasked { throw unasked }
        let offered = endpoints.map { endpoint in
            "\(endpoint.name): " + ((endpoint.models ?? discovered.withLock { $0[endpoint.name] })?.joined(separator: ", ") ?? "(unknown)")
        }.joined(separator: "; ")
        throw .invalidInput("no configured endpoint serves model \"\(requested)\" (\(offered)); name one of those, run `ollama pull \(requested)` on one, or write ENDPOINT:MODEL")
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
