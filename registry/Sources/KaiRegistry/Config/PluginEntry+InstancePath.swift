import KaiJSON

extension PluginEntry {
    /// Where to report a schema violation of this entry's config, given the
    /// violation's instance path (`$`, `$.max_input_bytes`, `$.limits[0]`,
    /// `$["a b"]`, as `SchemaViolation.path` writes them).
    public func position(ofConfigViolationAt instancePath: String) -> SourcePosition {
        position(nearestConfigPath: Self.components(ofInstancePath: instancePath))
    }

    /// Splits a KaiJSONSchema instance path into member names and decimal
    /// element indices; stops at the first part it cannot read.
    static func components(ofInstancePath path: String) -> [String] {
        var rest = Substring(path)
        guard rest.hasPrefix("$") else { return [] }
        rest = rest.dropFirst()
        var components: [String] = []
        while let first = rest.first {
            if first == "." {
                let name = rest.dropFirst().prefix { $0 != "." && $0 != "[" }
                components.append(String(name))
                rest = rest.dropFirst(1 + name.count)
            } else if first == "[", rest.dropFirst().first == "\"" {
                // A JSON string literal; find its closing quote past escapes.
                var index = rest.index(rest.startIndex, offsetBy: 2)
                while index < rest.endIndex, rest[index] != "\"" {
                    index = rest.index(index, offsetBy: rest[index] == "\\" ? 2 : 1, limitedBy: rest.endIndex) ?? rest.endIndex
                }
                guard index < rest.endIndex,
                    case .string(let key)? = try? JSONParser.parse(String(rest[rest.index(after: rest.startIndex)...index]))
                else { break }
                components.append(key)
                rest = rest[rest.index(after: index)...].dropFirst()  // the closing "]"
            } else if first == "[" {
                let digits = rest.dropFirst().prefix { $0.isNumber }
                components.append(String(digits))
                rest = rest.dropFirst(2 + digits.count)
            } else {
                break
            }
        }
        return components
    }
}
