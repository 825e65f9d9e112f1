import Yams

/// Makes small edits to the config file for commands such as
/// `kai plugins enable|disable ID`, changing only the lines it must so that
/// the operator's comments, order and formatting survive.
public enum ConfigEditor {
    /// Sets `enabled:` on the entry whose `id` is `pluginID`, inserting the
    /// key if absent, or appends `- id: pluginID` with `enabled:` to `plugins`.
    ///
    /// The file must load cleanly first (its error is thrown otherwise); the
    /// edited text is loaded again before it atomically replaces the file, so
    /// a failed edit never leaves a broken config behind.
    public static func setEnabled(_ enabled: Bool, pluginID: String, in path: String) throws(ConfigError) {
        let text = try ConfigLoader.read(path)
        let config = try ConfigLoader.parse(text, file: path)
        var document = TextLines(text)
        let value = enabled ? "true" : "false"
        if let entry = config.entry(forPluginID: pluginID) {
            try setEnabled(value, on: entry, in: &document, file: path)
        } else {
            try appendEntry(id: pluginID, enabled: value, to: &document, root: YAMLCoreSchema.compose(text, file: path), file: path)
        }
        let edited = document.text
        let check = try? ConfigLoader.parse(edited, file: path)
        guard check?.entry(forPluginID: pluginID)?.enabled == enabled else {
            throw ConfigError(
                .writeFailed, file: path, at: config.entry(forPluginID: pluginID)?.position,
                "cannot set enabled for \(pluginID) automatically in this layout. Edit the file by hand: \"enabled: \(value)\".")
        }
        try AtomicFile.write(edited, to: path)
    }

    private static func setEnabled(_ value: String, on entry: PluginEntry, in document: inout TextLines, file: String) throws(ConfigError) {
        if let key = entry.position(ofKey: "enabled") {
            guard let range = document.valueRange(afterKey: "enabled", at: key) else {
                throw unsupported(entry, file)
            }
            document.replace(range, line: key.line, with: value)
        } else if let key = entry.position(ofKey: "id") {
            if document.character(at: entry.position) == "{" {
                guard let range = document.valueRange(afterKey: "id", at: key) else { throw unsupported(entry, file) }
                document.replace(range.upperBound..<range.upperBound, line: key.line, with: ", enabled: \(value)")
            } else {
                document.insert(String(repeating: " ", count: key.column - 1) + "enabled: \(value)", after: key.line)
            }
        }
    }

    private static func appendEntry(id: String, enabled value: String, to document: inout TextLines, root: Node?, file: String) throws(ConfigError) {
        let scalarID = DefaultConfig.yamlScalar(id)
        guard case .mapping(let mapping)? = root,
            let (key, plugins) = mapping.first(where: { $0.key.scalar?.string == "plugins" })
        else {
            document.appendAtEnd(["plugins:", "  - id: \(scalarID)", "    enabled: \(value)"])
            return
        }
        guard let keyMark = key.mark else { throw layoutError(file) }
        if case .sequence(let sequence) = plugins, let first = sequence.first, let mark = plugins.mark {
            guard document.character(at: SourcePosition(line: mark.line, column: mark.column)) == "-" else {
                throw layoutError(file)
            }
            let indent = String(repeating: " ", count: mark.column - 1)
            let last = document.lastLine(ofBlockStartingAt: first.mark?.line ?? mark.line, indent: mark.column - 1)
            document.insert(indent + "- id: \(scalarID)", after: last)
            document.insert(indent + "  enabled: \(value)", after: last + 1)
        } else {
            // `plugins:` with nothing (or null, or []) after it: give it a block list.
            document.truncateValue(afterKeyAt: SourcePosition(line: keyMark.line, column: keyMark.column), key: "plugins")
            document.insert("  - id: \(scalarID)", after: keyMark.line)
            document.insert("    enabled: \(value)", after: keyMark.line + 1)
        }
    }

    private static func unsupported(_ entry: PluginEntry, _ file: String) -> ConfigError {
        ConfigError(
            .writeFailed, file: file, at: entry.position,
            "cannot edit this entry's enabled key automatically. Edit the file by hand.")
    }

    private static func layoutError(_ file: String) -> ConfigError {
        ConfigError(
            .writeFailed, file: file, at: nil,
            "plugins is not a block list (\"- id: …\" lines), so it cannot be edited automatically. Edit the file by hand.")
    }
}
