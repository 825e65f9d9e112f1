import Foundation

/// Where the operator config lives and who said so.
public struct ConfigLocation: Sendable, Equatable {
    /// Which setting chose the path; decides whether a missing file is an
    /// error (flag, environment) or is created with defaults (default).
    public enum Source: String, Sendable, Equatable {
        case flag
        case environment
        case `default`
    }

    public var path: String
    public var source: Source
    /// The default location, named in "not found" errors as the alternative.
    public var defaultPath: String

    public init(path: String, source: Source, defaultPath: String) {
        self.path = path
        self.source = source
        self.defaultPath = defaultPath
    }

    /// `--config`, then `KAI_CONFIG`, then `$XDG_CONFIG_HOME/kai/kai.yaml`
    /// (else `$HOME/.config/kai/kai.yaml`). Empty values count as unset, and a
    /// relative `XDG_CONFIG_HOME` is ignored as the XDG spec requires.
    public static func resolve(explicit: String?, environment: [String: String]) -> ConfigLocation {
        let configHome = absoluteVariable("XDG_CONFIG_HOME", in: environment)
            ?? homeDirectory(environment) + "/.config"
        let defaultPath = configHome + "/kai/kai.yaml"
        if let explicit, !explicit.isEmpty {
            return ConfigLocation(path: explicit, source: .flag, defaultPath: defaultPath)
        }
        if let variable = environment["KAI_CONFIG"], !variable.isEmpty {
            return ConfigLocation(path: variable, source: .environment, defaultPath: defaultPath)
        }
        return ConfigLocation(path: defaultPath, source: .default, defaultPath: defaultPath)
    }
}

/// `$HOME`, falling back to the password database when the variable is unset.
func homeDirectory(_ environment: [String: String]) -> String {
    if let home = environment["HOME"], !home.isEmpty { return home }
    return NSHomeDirectory()
}

/// The value of an XDG base-directory variable if set to an absolute path.
func absoluteVariable(_ name: String, in environment: [String: String]) -> String? {
    guard let value = environment[name], value.hasPrefix("/") else { return nil }
    return value
}

/// Resolves `~` / `~/…` against `$HOME` and relative paths against `base`
/// (the config file's directory), so entries mean the same from any cwd.
func expandPath(_ path: String, relativeTo base: String, environment: [String: String]) -> String {
    if path == "~" { return homeDirectory(environment) }
    if path.hasPrefix("~/") { return homeDirectory(environment) + path.dropFirst() }
    if path.hasPrefix("/") { return path }
    return (base.isEmpty ? "." : base) + "/" + path
}
