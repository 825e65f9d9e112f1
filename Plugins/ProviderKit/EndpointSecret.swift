import KaiJSON

/// An endpoint's API key, read the same way by every HTTP provider: the
/// endpoint names, in api_key_secret, the config's top-level key that the
/// operator's `secrets` entry fills from the environment, so the key
/// itself never appears in the config file.
package enum EndpointSecret {
    /// The key `secret` names, nil when the endpoint names none; a named
    /// secret without a value is an error saying how to provide it.
    package static func apiKey(_ secret: String?, endpoint name: String, config: JSONValue) throws(ProviderError) -> String? {
        guard let secret else { return nil }
        guard let value = config[secret]?.stringValue, !value.isEmpty else {
            throw .invalidInput("endpoint \(name): api_key_secret names \"\(secret)\", but the config has no value for it; add secrets: {\(secret): ENV_VAR} to the plugin entry and export ENV_VAR")
        }
        return value
    }
}
