import CKaiABI
import KaiJSON
import KaiProviderKit

extension OpenAIInstance {
    /// Which endpoint serves a request's model (ModelRouter's rules).
    func route(_ requested: String?, waiter: CallWaiter) throws(ProviderError) -> (Endpoint, String) {
        try ModelRouter(
            endpoints: config.endpoints,
            noEndpoints: "no endpoints are configured: add endpoints: [{name: NAME, base_url: URL}] to the config of plugin dev.kai.openai",
            firstListsNone: { "endpoint \($0.name) (\($0.modelsURL)) lists no models; add models: [...] to its config or name a model" },
            cached: { endpoint in self.discovered.withLock { $0[endpoint.name] } },
            discover: { endpoint throws(ProviderError) in try self.discover(endpoint, waiter: waiter) }
        ).route(requested)
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
