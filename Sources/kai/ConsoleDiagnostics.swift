import KaiCore
import KaiRuntime

/// The runtime's diagnostics on kai's stderr: "kai: warning: …" and plain
/// notices; once plugins are loaded, what in-process plugins write to
/// stdout goes to the host's plugin logger (scrubbed, made visible).
struct ConsoleDiagnostics: RuntimeDiagnostics {
    func warning(_ text: String) {
        Console.warning(text)
    }

    func notice(_ text: String) {
        Console.note(text)
    }

    func pluginsLoaded(_ host: PluginHost) {
        PluginStdout.route(to: host.pluginLogger)
    }
}
