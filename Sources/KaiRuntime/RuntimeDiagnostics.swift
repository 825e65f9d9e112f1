import KaiCore

/// Where a runtime reports what its embedder should show: KaiRuntime never
/// writes to stdout or stderr itself. The CLI writes warnings as
/// "kai: warning: …" and notices as plain lines on stderr; a server might
/// log them. Texts that quote plugins or files are already made visible
/// (TerminalText) where the runtime knows they need it.
public protocol RuntimeDiagnostics: Sendable {
    /// Something the operator should know or fix; the runtime goes on.
    func warning(_ text: String)
    /// Side information, e.g. KAI_TIMING=1's start-up phase times.
    func notice(_ text: String)
    /// Plugins are loaded and the host's logger (which knows their secrets)
    /// exists; called before anything about them is reported. The CLI routes
    /// what in-process plugins wrote to stdout to that logger here.
    func pluginsLoaded(_ host: PluginHost)
}

extension RuntimeDiagnostics {
    public func pluginsLoaded(_ host: PluginHost) {}
}
