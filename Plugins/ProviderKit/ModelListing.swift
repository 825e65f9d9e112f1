import CKaiABI
import KaiJSON

/// KAI_OP_LIST_MODELS for every HTTP provider: each endpoint's models, in
/// endpoint order, the first one marked default. An endpoint that cannot
/// be asked is skipped (with a warning in the log) unless none can; a
/// cancelled or timed-out call ends the listing at once.
package enum ModelListing {
    /// `models` gives an endpoint's (id, description) pairs: its configured
    /// list, or what its server says now.
    package static func write<Endpoint: HTTPEndpoint>(
        _ endpoints: [Endpoint], to output: OutputSink, log: HostLog,
        models: (Endpoint) throws(ProviderError) -> [(id: String, description: String)]
    ) -> kai_result {
        var listed: [JSONValue] = []
        var firstError: ProviderError? = nil
        for endpoint in endpoints {
            do throws(ProviderError) {
                for (id, description) in try models(endpoint) {
                    var model: JSONObject = ["id": .string(id), "description": .string(description)]
                    if listed.isEmpty { model["default"] = true }
                    listed.append(.object(model))
                }
            } catch {
                if error.code == KAI_ERR_CANCELLED || error.code == KAI_ERR_DEADLINE_EXCEEDED { return output.fail(error) }
                firstError = firstError ?? error
                log(KAI_LOG_WARN, "model list of endpoint \(endpoint.name) skipped: \(error.message)")
            }
        }
        if listed.isEmpty, let firstError { return output.fail(firstError) }
        return output.write(JSONValue.object(["models": .array(listed)]).serializedBytes())
    }
}
