import Foundation

/// Reads and checks the operator config file.
public enum ConfigLoader {
    /// Loads the config at `path` (named in errors exactly as given).
    /// `~` and relative plugin and database paths resolve against `$HOME`
    /// and the config file's directory.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> OperatorConfig {
        let text = try read(path)
        return try parse(text, file: path, environment: environment)
    }

    /// Checks config text that has not been written yet (the editor
    /// validates an edit before replacing the file).
    public static func parse(
        _ text: String, file: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> OperatorConfig {
        let root = try YAMLCoreSchema.compose(text, file: file)
        let directory = (absolute(file) as NSString).deletingLastPathComponent
        let decoder = ConfigDecoder(file: file, baseDirectory: directory, environment: environment)
        return try decoder.decode(root)
    }

    /// Loads the config `location` names. At the default location a missing
    /// file is first created with defaults that enable the plugins in
    /// `bundledDirectory`; a path from `--config` or `KAI_CONFIG` must exist,
    /// because silently creating a file at a mistyped path would hide the typo.
    public static func loadOrCreateDefault(
        location: ConfigLocation, bundledDirectory: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> OperatorConfig {
        if !FileManager.default.fileExists(atPath: location.path) {
            switch location.source {
            case .flag:
                throw notFound(location, "--config", fix: "omit --config")
            case .environment:
                throw notFound(location, "KAI_CONFIG", fix: "unset KAI_CONFIG")
            case .default:
                try createDefault(at: location.path, bundledDirectory: bundledDirectory)
            }
        }
        return try load(path: location.path, environment: environment)
    }

    private static func notFound(_ location: ConfigLocation, _ origin: String, fix: String) -> ConfigError {
        ConfigError(
            .fileNotFound, file: location.path, at: nil,
            "config file not found (from \(origin)). Create it, or \(fix) to use the default at \(location.defaultPath).")
    }

    private static func createDefault(at path: String, bundledDirectory: String?) throws(ConfigError) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ConfigError(
                .writeFailed, file: path, at: nil,
                "cannot create the directory for the default config: \(error.localizedDescription). Create \(directory), or pass --config.")
        }
        try AtomicFile.write(DefaultConfig.text(bundledDirectory: bundledDirectory), to: path)
    }

    static func read(_ path: String) throws(ConfigError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError(.fileNotFound, file: path, at: nil, "config file not found. Check the path.")
        }
        guard !isDirectory.boolValue else {
            throw ConfigError(.unreadable, file: path, at: nil, "is a directory, not a config file. Name the kai.yaml file inside it.")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(.unreadable, file: path, at: nil, "cannot read the config file. Check its permissions.")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ConfigError(.unreadable, file: path, at: nil, "the config file is not UTF-8 text. Save it as UTF-8.")
        }
        return text
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
