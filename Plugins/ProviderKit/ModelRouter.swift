import CKaiABI

/// An endpoint with an optional configured model list: what routing needs.
package protocol ModelListingEndpoint: HTTPEndpoint {
    /// The configured models; nil: ask the server.
    var models: [String]? { get }
}

/// Which endpoint serves a request's model, the same rules for every HTTP
/// provider: "ENDPOINT:MODEL" forces an endpoint when ENDPOINT is a
/// configured name; "MODEL" goes to the endpoint listing it (configured,
/// then discovered); no model means the first endpoint's first model. A
/// lone endpoint without a model list gets any model as is (no discovery
/// round trip on the common path).
///
/// The plugins differ only in how they discover (their own list request and
/// cache) and in their messages' advice, hence the closures.
package struct ModelRouter<Endpoint: ModelListingEndpoint> {
    package let endpoints: [Endpoint]
    /// The message for a config without endpoints (names the plugin and an example).
    package let noEndpoints: String
    /// The message for a first endpoint that lists no models.
    package let firstListsNone: (Endpoint) -> String
    /// Advice added after "name one of those" when no endpoint serves a
    /// model, e.g. ", run `ollama pull MODEL` on one"; "" for none.
    package let moreAdvice: (String) -> String
    /// Whether a discovered id is the requested model (Ollama's "NAME" is "NAME:latest").
    package let sameModel: (String, String) -> Bool
    /// The ids an endpoint's last discovery gave, nil when never asked.
    package let cached: (Endpoint) -> [String]?
    /// Asks the endpoint for its model ids now (and remembers them).
    package let discover: (Endpoint) throws(ProviderError) -> [String]

    package init(
        endpoints: [Endpoint], noEndpoints: String, firstListsNone: @escaping (Endpoint) -> String,
        moreAdvice: @escaping (String) -> String = { _ in "" }, sameModel: @escaping (String, String) -> Bool = { $0 == $1 },
        cached: @escaping (Endpoint) -> [String]?, discover: @escaping (Endpoint) throws(ProviderError) -> [String]
    ) {
        self.endpoints = endpoints
        self.noEndpoints = noEndpoints
        self.firstListsNone = firstListsNone
        self.moreAdvice = moreAdvice
        self.sameModel = sameModel
        self.cached = cached
        self.discover = discover
    }

    package func route(_ requested: String?) throws(ProviderError) -> (Endpoint, String) {
        guard let first = endpoints.first else { throw .invalidInput(noEndpoints) }
        guard let requested else {
            if let model = first.models?.first { return (first, model) }
            guard let model = try discover(first).first else { throw .unavailable(firstListsNone(first)) }
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
        return try routeByDiscovery(requested)
    }

    /// A model no configured list names: the endpoints without a list are
    /// asked, their lists discovered before first; a miss asks again (a
    /// model may be new).
    private func routeByDiscovery(_ requested: String) throws(ProviderError) -> (Endpoint, String) {
        let unlisted = endpoints.filter { $0.models == nil }
        if let endpoint = unlisted.first(where: { cached($0)?.contains(where: { sameModel($0, requested) }) == true }) {
            return (endpoint, requested)
        }
        var unasked: ProviderError? = nil
        for endpoint in unlisted {
            do throws(ProviderError) {
                if try discover(endpoint).contains(where: { sameModel($0, requested) }) { return (endpoint, requested) }
            } catch {
                if error.code == KAI_ERR_CANCELLED || error.code == KAI_ERR_DEADLINE_EXCEEDED { throw error }
                unasked = unasked ?? error
            }
        }
        // An endpoint that could not be asked may serve it: its error (a
        // retryable UNAVAILABLE, mostly) says more than "no endpoint serves it".
        if let unasked { throw unasked }
        let offered = endpoints.map { endpoint in
            "\(endpoint.name): " + ((endpoint.models ?? cached(endpoint))?.joined(separator: ", ") ?? "(unknown)")
        }.joined(separator: "; ")
        throw .invalidInput("no configured endpoint serves model \"\(requested)\" (\(offered)); name one of those\(moreAdvice(requested)), or write ENDPOINT:MODEL")
    }
}
