import Foundation

/// Plugins found on a search path: files are taken as given, directories are
/// scanned for `*.so` (sorted by name). The bundled directory — the one the
/// `kai` executable lives in — only contributes files named `libKaiPlugin*.so`,
/// since SwiftPM puts other libraries there too.
public struct SearchPathCatalog: PluginCatalog {
    public var entries: [String]
    public var bundledDirectory: String?

    public init(entries: [String], bundledDirectory: String?) {
        self.entries = entries
        self.bundledDirectory = bundledDirectory
    }

    /// Splits colon-separated lists (KAI_PLUGIN_PATH style), drops empties,
    /// and makes relative paths absolute: dlopen must never search for them.
    public static func split(_ lists: [String], relativeTo directory: String = FileManager.default.currentDirectoryPath) -> [String] {
        lists.flatMap { $0.split(separator: ":").map(String.init) }
            .map { $0.hasPrefix("/") ? $0 : URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: directory)).standardizedFileURL.path }
    }

    /// The directory of the running executable (/proc/self/exe), where
    /// `swift build` puts the bundled plugins.
    public static func executableDirectory() -> String? {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        return (path as NSString).deletingLastPathComponent
    }

    public func pluginSources() -> [PluginSource] {
        var paths: [String] = []
        for entry in entries {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: entry, isDirectory: &isDirectory), isDirectory.boolValue {
                paths += Self.sharedObjects(in: entry) { $0.hasSuffix(".so") }
            } else {
                paths.append(entry)  // a missing file is reported by the loader
            }
        }
        if let bundledDirectory {
            paths += Self.sharedObjects(in: bundledDirectory) { $0.hasPrefix("libKaiPlugin") && $0.hasSuffix(".so") }
        }
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }.map { PluginSource(path: $0) }
    }

    private static func sharedObjects(in directory: String, matching keep: (String) -> Bool) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter(keep).sorted().map { (directory as NSString).appendingPathComponent($0) }
    }
}
