import KaiCore
import KaiJSON

extension NativeToolsEntry {
    /// The ABI minor the bridge's descriptor declares (native_bridge.c): a
    /// host-made manifest must match the file it runs.
    static let bridgeABIMinor: Int64 = 2

    /// The bridge's file name, next to the kai executable.
    public static let bridgeFileName = "libKaiNativeBridge.so"

    /// The manifest the host makes for this entry: one tool per function.
    public func manifest(bridgePath: String) throws(PluginLoadError) -> PluginManifest {
        let capabilities: [JSONValue] = functions.map { function in
            var capability: JSONObject = [
                "kind": "tool", "name": .string(function.signature.symbol),
                "description": .string("\(function.description) (native: \(function.text), from \(library))"),
                "inputSchema": NativeToolSchema.input(function),
                "outputSchema": NativeToolSchema.output(function.signature),
                // Not every C function is thread-safe (strtok, ...): one call at a time.
                "concurrency": "serial",
            ]
            if let annotations = function.annotations { capability["annotations"] = annotations }
            return .object(capability)
        }
        return try PluginManifest.hostGiven([
            "id": .string(id), "version": "1.0.0", "abiMinor": .integer(Self.bridgeABIMinor),
            "description": .string("Native functions from \(library), called through libffi."),
            "capabilities": .array(capabilities),
        ], path: bridgePath)
    }

    /// What the bridge's create() reads (plugin-sdk/schema/native-bridge-config.schema.json).
    public var bridgeConfig: JSONValue {
        ["library": .string(library), "functions": .array(functions.map { Self.bridgeFunction($0.signature) })]
    }

    private static func bridgeFunction(_ signature: NativeSignature) -> JSONValue {
        let index = Dictionary(uniqueKeysWithValues: signature.parameters.enumerated().map { ($1.name, $0) })
        let params: [JSONValue] = signature.parameters.map { parameter in
            var object: JSONObject = ["name": .string(parameter.name), "ctype": .string(parameter.ctype)]
            switch parameter.shape {
            case .scalar(let scalar): object["kind"] = .string(scalar.rawValue)
            case .string: object["kind"] = "string"
            case .bytes(let length): object["kind"] = "bytes"; object["lengthParam"] = .integer(Int64(index[length]!))
            case .doubles(let count): object["kind"] = "doubles"; object["lengthParam"] = .integer(Int64(index[count]!))
            case .output(let size): object["kind"] = "out"; object["size"] = .integer(Int64(size))
            }
            if let buffer = parameter.fills { object["fills"] = .integer(Int64(index[buffer]!)) }
            return .object(object)
        }
        let returns: String = switch signature.returns {
        case .void: "void"
        case .string: "string"
        case .scalar(let scalar, _): scalar.rawValue
        }
        return ["name": .string(signature.symbol), "symbol": .string(signature.symbol), "returns": .string(returns),
                "params": .array(params)]
    }

    /// The plugin source the catalog lists: the bridge file, this entry's
    /// manifest and config, and its isolation (stated, so no policy picks
    /// another).
    public func pluginSource(bridgePath: String, manifest: PluginManifest) -> PluginSource {
        var settings = PluginSettings(config: bridgeConfig,
                                      isolation: isolation == .process ? .process : .inprocess)
        settings.isolationIsExplicit = true
        return PluginSource(path: bridgePath, expectedID: id, settings: settings, manifest: manifest)
    }
}
