import KaiCore

/// Tells the operator, once per run, about each secret too short to scrub
/// reliably: kai still replaces it in what plugins return, but a value of a
/// few bytes (a port, a year, a word) also occurs by chance, so text that
/// merely contains it is changed and a plugin may get it past in pieces.
enum ShortSecretWarning {
    static func report(_ host: PluginHost, to diagnostics: any RuntimeDiagnostics) {
        for plugin in host.plugins {
            for secret in plugin.settings.secrets.values.sorted(by: { $0.redacted < $1.redacted })
            where !secret.value.isEmpty && secret.value.utf8.count < SecretScrubber.reliableLength {
                diagnostics.warning(TerminalText.visible(
                    "the secret \(secret.redacted) of plugin \(plugin.id) is \(secret.value.utf8.count) bytes long: kai cannot "
                        + "reliably scrub a value shorter than \(SecretScrubber.reliableLength) bytes from what plugins return "
                        + "(it also occurs by chance). Use a longer secret."))
            }
        }
    }
}
