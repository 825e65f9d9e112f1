/// The environment a plugin worker starts with: a short allow-list, never
/// the host's whole environment (which holds every plugin's secrets, the
/// operator's tokens and whatever else kai was started with).
///
/// A plugin's own secrets do not travel here: the host merges them into
/// the config it hands to create() (see PluginInstance.effectiveConfig), so
/// they reach that plugin and no other, and not its child processes.
package enum WorkerEnvironment {
    /// Passed on from the host when set: how to find programs, and the
    /// user's language, locale and time zone.
    package static let passedOn: Set<String> = ["PATH", "LANG", "LANGUAGE", "TZ", "TMPDIR"]

    /// Where a plugin's home is: nowhere (as for the `nobody` user), so a
    /// plugin cannot read or litter the host user's dot files through $HOME.
    static let home = "/nonexistent"

    /// The worker's environment, built from the host's `environment`.
    package static func build(from environment: [String: String]) -> [String: String] {
        var result = environment.filter { passedOn.contains($0.key) || $0.key.hasPrefix("LC_") }
        if result["PATH"] == nil { result["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        result["HOME"] = home
        // The host reports a worker's crash; Swift's backtracer stays off.
        result["SWIFT_BACKTRACE"] = "enable=no"
        return result
    }
}
