import Foundation
import KaiCore
import KaiJSON
import KaiNative

/// The operator's config as the host core's PluginCatalog: path entries name
/// the files to load; id entries carry settings for a plugin wherever it was
/// found. Extra paths (`--plugin-path`, KAI_PLUGIN_PATH) load on top, for
/// plugin authors trying a build.
public struct ConfigCatalog: PluginCatalog {
    public let config: OperatorConfig
    public let extraPaths: [String]
    /// Files under this directory are skipped (`--no-bundled-plugins`).
    public let excludedDirectory: String?
    let environment: [String: String]
    /// The native bridge (libKaiNativeBridge.so) that runs native_tools
    /// entries; by default next to the running executable.
    public let nativeBridge: String?

    public init(config: OperatorConfig, extraPaths: [String] = [], excludedDirectory: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                nativeBridge: String? = SearchPathCatalog.executableDirectory().map { $0 + "/" + NativeToolsEntry.bridgeFileName }) {
        self.nativeBridge = nativeBridge
        self.config = config
        self.extraPaths = extraPaths
        self.excludedDirectory = excludedDirectory
        self.environment = environment
    }

    public func pluginSources() -> [PluginSource] {
        var sources: [PluginSource] = []
        for entry in config.entries where entry.enabled {
            guard let path = entry.path.map(resolve) else { continue }
            if isDirectory(path) {
                sources += Self.files(in: path, pattern: entry.pattern ?? "*.so").map { PluginSource(path: $0) }
            } else {
                sources.append(PluginSource(path: path, expectedID: entry.id))
            }
        }
        for path in extraPaths {
            sources += isDirectory(path) ? Self.files(in: path, pattern: "*.so").map { PluginSource(path: $0) } : [PluginSource(path: path)]
        }
        var seen = Set<String>()
        return sources.filter { source in
            if let excluded = excludedDirectory, (source.path as NSString).deletingLastPathComponent == excluded { return false }
            return seen.insert(source.path).inserted
        } + nativeSources()
    }

    /// One source per native_tools entry, all the bridge file, each with the
    /// manifest made from its entry (checked when the config was read). A
    /// `plugins:` entry with the same id (what `kai plugins disable` writes)
    /// still decides whether it loads and its status.
    private func nativeSources() -> [PluginSource] {
        guard let nativeBridge else { return [] }
        return config.nativeTools.compactMap { native in
            guard let manifest = try? native.manifest(bridgePath: nativeBridge) else { return nil }
            var source = native.pluginSource(bridgePath: nativeBridge, manifest: manifest)
            if let entry = config.entry(forPluginID: native.id) {
                source.settings?.enabled = entry.enabled
                if let status = entry.status.flatMap({ PluginStatus(rawValue: $0.rawValue) }) { source.settings?.status = status }
            }
            return source
        }
    }

    /// The id entry's settings if there is one, else those of the file entry
    /// that named this exact path, else defaults. Config that violates the
    /// plugin's configSchema, or a secret whose variable is unset, makes the
    /// settings unusable, with a message at the file, line and key.
    public func settings(for manifest: PluginManifest, path: String) -> PluginSettings {
        let id = manifest.id
        let entry = config.entry(forPluginID: id)
            ?? config.entries.first { $0.path.map(resolve) == path && !isDirectory(path) }
        guard let entry else { return PluginSettings() }
        var settings = PluginSettings(
            enabled: entry.enabled,
            status: entry.status.flatMap { PluginStatus(rawValue: $0.rawValue) } ?? .active,
            config: entry.config,
            isolation: PluginIsolation(rawValue: entry.isolation.rawValue) ?? .inprocess)
        settings.isolationIsExplicit = entry.isolationIsExplicit
        do throws(ConfigError) {
            let resolved = try SecretResolver(environment: environment).resolve(entry, pluginID: id, file: config.file)
            for (key, value) in resolved.values {
                settings.secrets[key] = PluginSettings.Secret(
                    value: value.stringValue ?? "", redacted: resolved.redacted[key]?.stringValue ?? "<secret>")
            }
        } catch {
            settings.problem = error.description
            return settings
        }
        let violations = manifest.configViolations(SecretRedaction.apply(settings.secrets, to: entry.config))
        if !violations.isEmpty {
            settings.problem = violations.map { violation in
                let position = entry.position(ofConfigViolationAt: violation.path)
                return "\(config.file):\(position): config of plugin \(id): \(violation.description). See 'kai plugins info \(id)' for its config schema."
            }.joined(separator: "\n")
        }
        return settings
    }

    /// An entry with an id applies by the manifest's id, unknown before the
    /// scan, so it may be about any file: fail safe, every file is scanned
    /// under the strongest isolation such an entry asks for (sandbox, else
    /// process), or the entry naming this file's stronger one; else inprocess.
    public func scanIsolation(path: String) -> PluginIsolation {
        let byID = config.entries.filter { $0.id != nil }.compactMap { PluginIsolation(rawValue: $0.isolation.rawValue) }
        let entry = config.entries.first { $0.path.map(resolve) == path && !isDirectory(path) }
        let named = entry.flatMap { PluginIsolation(rawValue: $0.isolation.rawValue) }
        let all = byID + (named.map { [$0] } ?? [])
        if all.contains(.sandbox) { return .sandbox }
        if all.contains(.process) { return .process }
        return .inprocess
    }

    private func resolve(_ path: String) -> String {
        let expanded = path.hasPrefix("~/") ? (environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst(1) : path
        if expanded.hasPrefix("/") { return expanded }
        let base = (config.file as NSString).deletingLastPathComponent
        return URL(fileURLWithPath: expanded, relativeTo: URL(fileURLWithPath: base.isEmpty ? "." : base)).standardizedFileURL.path
    }

    private func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    static func files(in directory: String, pattern: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { fnmatch(pattern, $0, 0) == 0 }.sorted().map { (directory as NSString).appendingPathComponent($0) }
    }
}

/// The config as validation should see it: secrets in their redacted form.
enum SecretRedaction {
    static func apply(_ secrets: [String: PluginSettings.Secret], to config: JSONValue) -> JSONValue {
        guard !secrets.isEmpty, case .object(var object) = config else { return config }
        for (key, secret) in secrets { object[key] = .string(secret.redacted) }
        return .object(object)
    }
}
