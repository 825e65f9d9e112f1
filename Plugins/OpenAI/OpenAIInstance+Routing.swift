import CKaiABI
import KaiJSON
import KaiProviderKit

extension OpenAIInstance {
    /// Which endpoint serves a request's model: "ENDPOINT:MODEL" forces an
    /// endpoint; "MODEL" goes to the endpoint listing it (configured, then
    /// discovered); no model means the first endpoint's first model. A lone
    /// endpoint without a model list gets any model as is (no discovery
    /// round trip on the common path).
    func route(_ requested: String?, waiter: CallWaiter) throws(ProviderError) -> (Endpoint, String) {
        let endpoints = config.endpoints
        guard let first = endpoints.first else {
            throw .invalidInput("no endpoints are configured: add endpoints: [{name: NAME, base_url: URL}] to the config of plugin dev.kai.openai")
        }
        guard let requested else {
            if let model = first.models?.first { return (first, model) }
            guard let model = try discover(first, waiter: waiter).first else {
                throw .unavailable("endpoint \(first.name) (\(first.modelsURL)) lists no models; add models: [...] to its config or name a model")
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
        // The lists discovered before first; a miss asks again (a model may be new).
        if let endpoint = unlisted.first(where: { endpoint in discovered.withLock { $0[endpoint.name] }?.contains(requested) == true }) {
            return (endpoint, requested)
        }
        var unasked: ProviderError? = nil
        for endpoint in unlisted {
            do throws(ProviderError) {
                if try discover(endpoint, waiter: waiter).contains(requested) { return (endpoint, requested) }
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
        throw .invalidInput("no configured endpoint serves model \"\(requested)\" (\(offered)); name one of those, or write ENDPOINT:MODEL")
    }

    /// GET {base_url}/models, remembered for routing.
    func discover(_ endpoint: Endpoint, waiter: CallWaiter) throws(ProviderError) -> [String] {
        let exchange = Exchange(endpoint: endpoint, pool: pool, waiter: waiter)
        let body = try exchange.fetch(exchange.request(.get, url: endpoint.modelsURL))
        guard let data = (try? JSONParser.parse(body))?["data"]?.arrayValue else {
            let text = endpoint.clip(body)
            throw .unavailable("endpoint \(endpoint.name) (\(endpoint.modelsURL)) did not answer with a model list ({\"data\": [...]}): \(text); add models: [...] to its config")
        }
        let ids = data.compactMap { $0["id"]?.stringValue }.filter { !$0.isEmpty }.map(endpoint.redact)
        discovered.withLock { $0[endpoint.name] = ids }
        return ids
    }
}
