import KaiCore
import KaiJSON
import KaiNative
import Yams

extension ConfigDecoder {
    static let nativeToolsKeys = ["id", "library", "isolation", "functions"]
    static let nativeFunctionKeys = ["signature", "description", "parameters", "annotations"]
    static let nativeParameterKeys = ["description", "minimum", "maximum"]
    static let annotationKeys = ["title", "readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"]

    /// `native_tools:`: libraries whose functions are tools. Every signature
    /// is parsed here, so one Kai cannot call safely is refused at its line.
    func nativeTools(_ node: Node) throws(ConfigError) -> [NativeToolsEntry] {
        guard case .sequence(let sequence) = node else {
            throw wrongType(node, "native_tools", "a list of entries (\"- id: native.libm\", library, functions)")
        }
        var entries: [NativeToolsEntry] = []
        for (index, item) in sequence.enumerated() {
            let entry = try nativeEntry(item, owner: "native_tools[\(index)]")
            if let first = entries.firstIndex(where: { $0.id == entry.id }) {
                throw ConfigError(.duplicateID, file: file, at: YAMLCoreSchema.position(item.mark),
                                  "native_tools[\(index)]: plugin id \"\(entry.id)\" is also native_tools[\(first)]'s. Give each library an id of its own.")
            }
            entries.append(entry)
        }
        return entries
    }

    private func nativeEntry(_ node: Node, owner: String) throws(ConfigError) -> NativeToolsEntry {
        guard case .mapping(let mapping) = node else { throw wrongType(node, owner, "a mapping with id, library and functions") }
        let members = try self.members(of: mapping, allowed: Self.nativeToolsKeys, in: owner)
        let position = YAMLCoreSchema.position(node.mark)
        func required(_ key: String) throws(ConfigError) -> Member {
            guard let member = members[key] else {
                throw ConfigError(.missingKey, file: file, at: position, "\(owner) has no \(key). Every native_tools entry needs id, library and functions.")
            }
            return member
        }
        let idNode = try required("id").value
        let id = try string(idNode, "\(owner).id", expected: "a plugin id such as native.libm")
        guard id.wholeMatch(of: /[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+/) != nil else {
            throw ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(idNode.mark),
                              "\(owner).id: \"\(id)\" is not a plugin id: write lowercase words joined by dots, such as native.\(id.lowercased().filter { $0.isLetter || $0.isNumber }), and its tools are named after it (native.libm.cbrt).")
        }
        var library = try string(try required("library").value, "\(owner).library", expected: "a library path or a soname such as libm.so.6")
        if library.contains("/") { library = expandPath(library, relativeTo: baseDirectory, environment: environment) }
        var entry = NativeToolsEntry(id: id, library: library, functions: [], line: position?.line ?? 0)
        if let isolation = members["isolation"] {
            entry.isolation = try choice(isolation.value, "\(owner).isolation", as: NativeToolsEntry.Isolation.self)
        }
        let functionsNode = try required("functions").value
        guard case .sequence(let items) = functionsNode, !items.isEmpty else {
            throw wrongType(functionsNode, "\(owner).functions", "a list of functions (- signature: \"double cbrt(double x)\", description: ...)")
        }
        for (index, item) in items.enumerated() {
            let function = try nativeFunction(item, owner: "\(owner).functions[\(index)]")
            if entry.functions.contains(where: { $0.signature.symbol == function.signature.symbol }) {
                throw ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(item.mark),
                                  "\(owner).functions[\(index)]: \(function.signature.symbol) is listed twice in this entry.")
            }
            entry.functions.append(function)
        }
        // The manifest is made again for each load; made here once, so a
        // problem in it is the config's, at its entry.
        do throws(PluginLoadError) {
            _ = try entry.manifest(bridgePath: file)
        } catch {
            throw ConfigError(.invalidValue, file: file, at: position, "\(owner): \(error.message)")
        }
        return entry
    }

    private func nativeFunction(_ node: Node, owner: String) throws(ConfigError) -> NativeFunction {
        guard case .mapping(let mapping) = node else { throw wrongType(node, owner, "a mapping with signature and description") }
        let members = try self.members(of: mapping, allowed: Self.nativeFunctionKeys, in: owner)
        guard let signatureNode = members["signature"]?.value, let descriptionNode = members["description"]?.value else {
            throw ConfigError(.missingKey, file: file, at: YAMLCoreSchema.position(node.mark),
                              "\(owner) needs a signature and a description: the description is what a model reads to choose the tool.")
        }
        let text = try string(signatureNode, "\(owner).signature", expected: "a C signature such as \"double cbrt(double x)\"")
        let signature: NativeSignature
        do throws(NativeSignatureError) {
            signature = try CSignatureParser.parse(text)
        } catch {
            throw ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(signatureNode.mark),
                              "\(owner).signature: kai cannot call \"\(text)\": \(error.message)")
        }
        var function = NativeFunction(signature: signature, text: text,
                                      description: try string(descriptionNode, "\(owner).description", expected: "what the function does"))
        if let parameters = members["parameters"], !isNull(parameters.value) {
            function.parameters = try parameterNotes(parameters.value, owner: "\(owner).parameters", signature: signature)
        }
        if let annotations = members["annotations"], !isNull(annotations.value) {
            function.annotations = try self.annotations(annotations.value, owner: "\(owner).annotations")
        }
        return function
    }

    private func parameterNotes(_ node: Node, owner: String, signature: NativeSignature) throws(ConfigError) -> [String: NativeFunction.ParameterNote] {
        guard case .mapping(let mapping) = node else {
            throw wrongType(node, owner, "a mapping from argument name to { description, minimum, maximum }")
        }
        var notes: [String: NativeFunction.ParameterNote] = [:]
        for (key, value) in mapping {
            let name = try string(key, "an argument name in \(owner)", expected: "an argument name")
            guard let parameter = signature.arguments.first(where: { $0.name == name }) else {
                let names = signature.arguments.map(\.name).joined(separator: ", ")
                throw ConfigError(.unknownKey, file: file, at: YAMLCoreSchema.position(key.mark),
                                  "\(owner): \(name) is not an argument of \(signature.symbol); its arguments are: \(names.isEmpty ? "none" : names).")
            }
            guard case .mapping(let fields) = value else { throw wrongType(value, "\(owner).\(name)", "a mapping with description, minimum, maximum") }
            let members = try self.members(of: fields, allowed: Self.nativeParameterKeys, in: "\(owner).\(name)")
            var note = NativeFunction.ParameterNote()
            if let description = members["description"] {
                note.description = try string(description.value, "\(owner).\(name).description", expected: "what the argument means")
            }
            for bound in ["minimum", "maximum"] {
                guard let member = members[bound] else { continue }
                let number = try boundValue(member.value, "\(owner).\(name).\(bound)", parameter: parameter)
                if bound == "minimum" { note.minimum = number } else { note.maximum = number }
            }
            if let low = note.minimum, let high = note.maximum, low > high {
                throw ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(value.mark),
                                  "\(owner).\(name): minimum \(low) is greater than maximum \(high).")
            }
            notes[name] = note
        }
        return notes
    }

    /// A bound within the parameter's C type (a narrower range only).
    private func boundValue(_ node: Node, _ name: String, parameter: NativeParameter) throws(ConfigError) -> Double {
        guard let scalar = parameter.shape.scalar, scalar != .bool else {
            throw ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(node.mark),
                              "\(name): only number arguments have a range, and \(parameter.name) is \(parameter.ctype).")
        }
        let tag = YAMLCoreSchema.tagName(node)
        guard case .scalar(let text) = node, tag == "int" || tag == "float", let value = Double(text.string), value.isFinite else {
            throw wrongType(node, name, "a number")
        }
        guard !scalar.isInteger || value == value.rounded() else {
            throw ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(node.mark),
                              "\(name): \(text.string) is not a whole number, and \(parameter.name) is \(parameter.ctype).")
        }
        guard scalar.contains(value) else {
            throw ConfigError(.invalidValue, file: file, at: YAMLCoreSchema.position(node.mark),
                              "\(name): \(text.string) is outside the range of \(parameter.ctype)\(scalar.rangeDescription).")
        }
        return value
    }

    private func annotations(_ node: Node, owner: String) throws(ConfigError) -> JSONValue {
        guard case .mapping(let mapping) = node else { throw wrongType(node, owner, "a mapping of MCP tool annotations (readOnlyHint: true, ...)") }
        let members = try self.members(of: mapping, allowed: Self.annotationKeys, in: owner)
        var object = JSONObject()
        for (key, member) in members.sorted(by: { $0.key < $1.key }) {
            object[key] = key == "title"
                ? .string(try string(member.value, "\(owner).title", expected: "a human-readable title"))
                : .bool(try bool(member.value, "\(owner).\(key)"))
        }
        return .object(object)
    }
}
