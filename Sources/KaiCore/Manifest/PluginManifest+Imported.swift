import KaiJSON

extension PluginManifest {
    /// A manifest the host writes for an entry served by a ToolBackend (an
    /// imported MCP server), checked as a plugin's describe() output is
    /// (the manifest schema, unique names, every schema compiling) except
    /// for the id: it is the operator's name for the entry ("time", so
    /// tools read "time.get_current_time"), not a plugin author's
    /// reverse-DNS id.
    public static func imported(_ json: JSONValue, path: String) throws(PluginLoadError) -> PluginManifest {
        guard case .object(var object) = json, let id = object["id"]?.stringValue else {
            throw PluginLoadError(path: path, reason: .manifestInvalid(["the host-given manifest has no id"]))
        }
        object["id"] = .string("kai.imported")
        let minor = UInt32(clamping: json["abiMinor"]?.intValue ?? -1)
        // Checked with a reverse-DNS stand-in, then read as written.
        _ = try ManifestDecoder.decode(JSONValue.object(object).serializedBytes(), descriptorMinor: minor, path: path)
        let manifest = try ManifestDecoder.decode(json.serializedBytes(), descriptorMinor: minor, path: path, trusted: true)
        guard manifest.id == id else {
            throw PluginLoadError(path: path, reason: .idMismatch(expected: id, found: manifest.id))
        }
        try manifest.checkSchemas(path: path)
        return manifest
    }
}
