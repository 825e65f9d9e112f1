import CKaiABI
import KaiJSON
import KaiProviderKit

extension AnthropicInstance {
    /// Which endpoint serves a request's model (ModelRouter's rules).
    func route(_ requested: String?, waiter: CallWaiter) throws(ProviderError) -> (AnthropicEndpoint, String) {
        try ModelRouter(
            endpoints: config.endpoints,
            noEndpoints: "no endpoints are configured: add endpoints: [{name: NAME, api_key_secret: KEY}] to the config of plugin dev.kai.anthropic (base_url defaults to \(AnthropicConfig.defaultBaseURL))",
            firstListsNone: { "endpoint \($0.name) (\($0.modelsURL)) lists no models; add models: [...] to its config or name a model" },
            cached: { endpoint in self.discovered.withLock { $0[endpoint.name] }?.map(\.id) },
            discover: { endpoint throws(ProviderError) in try self.discover(endpoint, waiter: waiter).map(\.id) }
        ).route(requested)
    }

    /// GET {base_url}/v1/models, page after page (has_more, after_id), remembered for routing.
    func discover(_ endpoint: AnthropicEndpoint, waiter: CallWaiter) throws(ProviderError) -> [(id: String, displayName: String?)] {
        let exchange = Exchange(endpoint: endpoint, pool: pool, waiter: waiter)
        var models: [(id: String, displayName: String?)] = []
        var after: String? = nil
        // A bound on pages, so a server that always says has_more cannot loop forever.
        for _ in 0..<20 {
            let url = endpoint.modelsURL + "?limit=1000" + (after.map { "&after_id=" + Self.queryValue($0) } ?? "")
            let body = try exchange.fetch(exchange.request(.get, url: url))
            guard case .object(let page)? = try? JSONParser.parse(body), let data = page["data"]?.arrayValue else {
                throw .unavailable("endpoint \(endpoint.name) (\(url)) answered the model list with something that is not one: \(endpoint.clip(body)); is \(endpoint.baseURL) Anthropic's API?")
            }
            for item in data {
                guard let id = item["id"]?.stringValue, !id.isEmpty else { continue }
                models.append((endpoint.redact(id), item["display_name"]?.stringValue.map(endpoint.redact)))
            }
            guard page["has_more"]?.boolValue == true, let last = page["last_id"]?.stringValue, !last.isEmpty else { break }
            after = last
        }
        discovered.withLock { $0[endpoint.name] = models }
        return models
    }

    /// `text` percent-encoded for a URL query (all but RFC 3986's
    /// unreserved characters): the server's last_id is its text, not ours.
    static func queryValue(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
