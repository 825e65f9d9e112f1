import KaiJSON
import KaiJSONSchema

/// Reads and checks a manifest: JSON, then the manifest schema, then what a
/// schema can't say (unique names, matching ABI minor). Tools' own schemas
/// compile on first use (see LazySchema); `PluginHost.instantiate` and
/// `kai plugins info` check them all.
enum ManifestDecoder {
    /// Compiled once per process; the text is ours, so failing is a host bug.
    static let schema: JSONSchema = {
        do {
            return try JSONSchema(try JSONParser.parse(ManifestSchema.text))
        } catch {
            fatalError("embedded manifest schema is invalid: \(error)")
        }
    }()

    /// `trusted`: the bytes come from the scan cache, which only holds
    /// manifests that passed the schema under this same host ABI, so the
    /// schema check is skipped (it is a fifth of a warm start).
    static func decode(_ bytes: [UInt8], descriptorMinor: UInt32, path: String, trusted: Bool = false) throws(PluginLoadError) -> PluginManifest {
        func fail(_ reason: PluginLoadError.Reason) -> PluginLoadError {
            PluginLoadError(path: path, reason: reason)
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw fail(.manifestNotJSON(error.description))
        }
        let violations = trusted ? [] : schema.validate(json)
        guard violations.isEmpty else { throw fail(.manifestInvalid(violations.map(\.description))) }
        guard case .object(let object) = json else { throw fail(.manifestInvalid(["$: expected object"])) }

        let abiMinor = object["abiMinor"]?.intValue ?? -1
        guard abiMinor == Int64(descriptorMinor) else {
            throw fail(.manifestMinorMismatch(manifest: abiMinor, descriptor: descriptorMinor))
        }
        var seen = Set<String>()
        var capabilities: [Capability] = []
        for entry in object["capabilities"]?.arrayValue ?? [] {
            let capability = try decodeCapability(entry, abiMinor: abiMinor, fail: fail)
            guard seen.insert(capability.name).inserted else { throw fail(.duplicateCapability(capability.name)) }
            capabilities.append(capability)
        }
        let configSchema = object["configSchema"]
        return PluginManifest(
            id: object["id"]?.stringValue ?? "",
            name: object["name"]?.stringValue,
            version: object["version"]?.stringValue ?? "",
            abiMinor: abiMinor,
            description: object["description"]?.stringValue,
            network: object["network"]?.boolValue ?? false,
            configSchema: configSchema,
            capabilities: capabilities,
            json: json,
            configValidator: LazySchema(configSchema)
        )
    }

    private static func decodeCapability(
        _ entry: JSONValue, abiMinor: Int64, fail: (PluginLoadError.Reason) -> PluginLoadError
    ) throws(PluginLoadError) -> Capability {
        let name = entry["name"]?.stringValue ?? ""
        let kind = Capability.Kind(rawValue: entry["kind"]?.stringValue ?? "") ?? .tool
        // ABI 1.1 made providers parallel unless they say otherwise
        // (kai_provider.h); a 1.0 plugin was promised serial calls.
        let defaultConcurrency: Capability.Concurrency = kind == .provider && abiMinor >= 1 ? .parallel : .serial
        let input = entry["inputSchema"]
        let output = entry["outputSchema"]
        return Capability(
            kind: kind,
            name: name,
            title: entry["title"]?.stringValue,
            description: entry["description"]?.stringValue ?? "",
            inputSchema: input,
            outputSchema: output,
            annotations: entry["annotations"],
            concurrency: Capability.Concurrency(rawValue: entry["concurrency"]?.stringValue ?? "") ?? defaultConcurrency,
            streaming: entry["streaming"]?.boolValue ?? false,
            tags: entry["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            models: entry["models"]?.arrayValue?.compactMap(\.stringValue) ?? []
        )
    }
}
