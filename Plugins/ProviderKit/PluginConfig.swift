import CKaiABI
import KaiJSON

/// What every HTTP provider's create() does before reading its own
/// settings: libcurl initialised (no transfer works without it) and the
/// host's config (kai_host.config) parsed, an empty one read as "{}".
package enum PluginConfig {
    package static func json(host: UnsafePointer<kai_host>) throws(ProviderError) -> JSONValue {
        guard TransferPool.globalInit else { throw .internalError("libcurl failed to initialise (curl_global_init)") }
        let text = host.pointee.config?(host).bytes ?? []
        do {
            return try JSONParser.parse(text.isEmpty ? Array("{}".utf8) : text)
        } catch {
            throw .invalidInput("the plugin's config is not JSON: \(error)")
        }
    }
}
